/**
 * Kubernetes release versions ("v1.37.1") and the skew rules between kubeadm, the control plane and
 * the kubelet (kubernetes.io/releases/version-skew-policy and kubeadm's own policy). Pure.
 */

export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
  /** canonical text, always with the leading "v": "v1.37.1" */
  text: string;
}

const RE = /^v?(\d+)\.(\d+)\.(\d+)$/;

/** Parses "v1.37.1" or "1.37.1"; undefined for anything else (pre-releases are not supported). */
export function parseVersion(s: unknown): KubeVersion | undefined {
  if (typeof s !== 'string') return undefined;
  const m = RE.exec(s.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { major, minor, patch, text: `v${major}.${minor}.${patch}` };
}

/** Like parseVersion, but throws a plain Error naming the bad value (callers wrap it). */
export function mustVersion(s: string): KubeVersion {
  const v = parseVersion(s);
  if (!v) throw new Error(`not a Kubernetes version: ${JSON.stringify(s)} (expected vX.Y.Z)`);
  return v;
}

/** <0, 0, >0 as a is older, equal, newer than b. */
export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** a's minor minus b's minor (same major assumed; a different major counts 100 minors). */
export function minorDelta(a: KubeVersion, b: KubeVersion): number {
  return (a.major - b.major) * 100 + (a.minor - b.minor);
}

/** "v1.37" */
export function minorText(v: KubeVersion): string {
  return `v${v.major}.${v.minor}`;
}

/** The kubelet may be up to this many minors older than the control plane (and kubeadm). */
export const KUBELET_MAX_LAG = 3;

/**
 * Why a kubelet version is not allowed with a control plane (apiserver) version, or undefined when
 * it is: never a newer minor than the apiserver, at most KUBELET_MAX_LAG minors older.
 */
export function kubeletSkewProblem(kubelet: KubeVersion, controlPlane: KubeVersion): string | undefined {
  const lag = minorDelta(controlPlane, kubelet);
  if (lag < 0) return `kubelet ${kubelet.text} is newer than the control plane ${controlPlane.text}`;
  if (lag > KUBELET_MAX_LAG)
    return `kubelet ${kubelet.text} is ${lag} minors older than the control plane ${controlPlane.text} (at most ${KUBELET_MAX_LAG} allowed)`;
  return undefined;
}

/** kubeadm X.Y deploys a control plane X.Y or X.(Y-1). */
export function kubeadmCanDeploy(kubeadm: KubeVersion, controlPlane: KubeVersion): boolean {
  const d = minorDelta(kubeadm, controlPlane);
  return d === 0 || d === 1;
}

/** The config API kubeadm reads for a version: v1beta4 from 1.31 on, v1beta3 below. */
export function kubeadmApiVersion(v: KubeVersion): 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4' {
  return v.major > 1 || v.minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}
