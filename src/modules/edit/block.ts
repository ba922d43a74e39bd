/**
 * Ansible's blockinfile edit, line for line (lines keep their endings; markers are whole lines).
 * Works on latin1 strings so that bytes survive untouched, as Ansible works on bytes.
 */
export interface BlockOpts {
  block: string;
  /** marker with {mark} */
  marker: string;
  markerBegin: string;
  markerEnd: string;
  present: boolean;
  insertafter?: string;
  insertbefore?: string;
  /** compiled insertafter/insertbefore regex (not for EOF/BOF) */
  insertre?: RegExp;
  appendNewline?: boolean;
  prependNewline?: boolean;
}

export interface BlockEdit {
  after: string;
  /** 'Block inserted' | 'Block removed' | '' ('File created' is decided by the caller) */
  msg: string;
  changed: boolean;
}

const NL = '\n';

export function editBlock(original: string, o: BlockOpts): BlockEdit {
  const lines = original.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const marker0 = o.marker.split('{mark}').join(o.markerBegin) + NL;
  const marker1 = o.marker.split('{mark}').join(o.markerEnd) + NL;
  let blocklines: string[] = [];
  if (o.present && o.block) {
    const block = o.block.endsWith(NL) ? o.block : o.block + NL;
    blocklines = [marker0, ...(block.match(/[^\n]*\n|[^\n]+$/g) ?? []), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === marker0) n0 = i;
    if (lines[i] === marker1) n1 = i;
  }
  let insertafter = o.insertafter;
  if (o.insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (o.insertre) {
      for (let i = 0; i < lines.length; i++) if (o.insertre.exec(lines[i])) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (o.insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith(NL)) lines[n0 - 1] += NL;
  if (blocklines.length) {
    if (o.prependNewline && n0 > 0 && lines[n0 - 1] !== NL) blocklines.unshift(NL);
    if (o.appendNewline && n0 < lines.length && lines[n0] !== NL) blocklines.push(NL);
  }
  lines.splice(n0, 0, ...blocklines);
  const after = lines.join('');
  if (after === original) return { after, msg: '', changed: false };
  return { after, msg: blocklines.length ? 'Block inserted' : 'Block removed', changed: true };
}
