# --- main: dispatch on the tool this file was built as -----------------------------------------


def main(argv):
    if argv[:1] == [APISERVER_MARK]:
        return serve_apiserver()
    tool = {"kubeadm": kubeadm_main, "kubelet": kubelet_main, "kubectl": kubectl_main}[SIM_TOOL]
    try:
        return tool(argv)
    except SimError as e:
        sys.stdout.flush()
        msg = e.msg
        if SIM_TOOL == "kubeadm" and "To see the stack trace" not in msg:
            msg += "\nTo see the stack trace of this error execute with --v=5 or higher"
        sys.stderr.write(msg + "\n")
        return e.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
