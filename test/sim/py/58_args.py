# --- args: a cobra-like flag parser ---------------------------------------------------------
# spec: {"flag-name": "bool" | "str" | "list" (repeatable) | "csv" (comma separated, repeatable)}

GLOBAL_FLAGS = {"v": "str", "rootfs": "str", "help": "bool", "kubeconfig": "str"}


class Args:
    def __init__(self, argv, spec, aliases=None, command="kubeadm"):
        spec = dict(GLOBAL_FLAGS, **spec)
        aliases = dict({"-h": "help"}, **(aliases or {}))
        self.given, self.positional, self.values = [], [], {}
        i = 0
        while i < len(argv):
            arg = argv[i]
            i += 1
            if arg == "--":
                self.positional += argv[i:]
                break
            if len(arg) > 2 and arg[1] != "-" and arg[:2] in aliases and arg[2] != "=" \
                    and spec.get(aliases[arg[:2]]) != "bool":
                arg = arg[:2] + "=" + arg[2:]  # -ojson
            if arg.startswith("-") and arg != "-":
                name, eq, val = arg.lstrip("-").partition("=")
                if arg in aliases:
                    name = aliases[arg]
                elif arg.split("=")[0] in aliases:
                    name = aliases[arg.split("=")[0]]
                if name not in spec:
                    raise SimError("unknown flag: %s" % arg.split("=")[0])
                kind = spec[name]
                if kind == "bool":
                    value = val.lower() not in ("false", "0") if eq else True
                else:
                    if not eq:
                        if i >= len(argv):
                            raise SimError("flag needs an argument: %s" % arg)
                        val = argv[i]
                        i += 1
                    value = val
                self.given.append(name)
                if kind == "list":
                    self.values.setdefault(name, []).append(value)
                elif kind == "csv":
                    self.values.setdefault(name, []).extend(x for x in value.split(",") if x)
                else:
                    self.values[name] = value
            else:
                self.positional.append(arg)

    def get(self, name, default=None):
        return self.values.get(name, default)

    def has(self, name):
        return name in self.given

    def no_mixing(self, allowed):
        if self.has("config"):
            extra = [g for g in dict.fromkeys(self.given) if g not in allowed and g not in GLOBAL_FLAGS
                     and g != "config"]
            if extra:
                raise SimError("can not mix '--config' with arguments %s" % ("[" + " ".join(extra) + "]"))


def confirm(question):
    sys.stdout.write(question)
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def random_token():
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    pick = lambda n: "".join(secrets.choice(alphabet) for _ in range(n))
    return "%s.%s" % (pick(6), pick(16))


def join_endpoint(cluster, adv, port):
    cpe = cluster.get("controlPlaneEndpoint")
    if cpe:
        return cpe if re.search(r":\d+$", cpe) else "%s:%d" % (cpe, port)
    return "%s:%d" % (adv, port)
