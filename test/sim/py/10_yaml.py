# --- yaml: a small YAML subset (block maps/seqs, scalars, flow [..]/{..}, block scalars) ------
# No PyYAML on the machines. Enough for kubeadm configs, kubeconfigs and static pod manifests;
# JSON is accepted too (it is a subset of flow YAML).


class YamlError(SimError):
    pass


_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _yerr(lineno, msg):
    return YamlError("error converting YAML to JSON: yaml: line %d: %s" % (lineno, msg))


def _plain(s):
    if s in ("", "~", "null", "Null", "NULL"):
        return None
    # YAML 1.1 booleans, as go-yaml v2 (under sigs.k8s.io/yaml, kubeadm's and kubectl's reader) resolves them
    if s in ("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"):
        return True
    if s in ("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"):
        return False
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s) and any(c.isdigit() for c in s):
        return float(s)
    return s


def _dq_unescape(body, lineno):
    try:
        return json.loads('"' + body.replace("\t", "\\t") + '"')
    except ValueError:
        raise _yerr(lineno, "found unknown escape character")


def _strip_comment(s):
    """Drop a trailing ' # comment' outside quotes."""
    q = None
    for i, c in enumerate(s):
        if q:
            if c == q and (q == "'" or s[i - 1] != "\\"):
                q = None
        elif c in "'\"" and (i == 0 or s[i - 1] in " [{,:"):
            q = c
        elif c == "#" and (i == 0 or s[i - 1] in " \t"):
            return s[:i].rstrip()
    return s.rstrip()


class _Flow:
    """Flow collections and quoted scalars on one line."""

    def __init__(self, s, lineno):
        self.s, self.i, self.lineno = s, 0, lineno

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def value(self, stops):
        self.ws()
        if self.i >= len(self.s):
            return None
        c = self.s[self.i]
        if c == "[":
            self.i += 1
            items = []
            while True:
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == "]":
                    self.i += 1
                    return items
                items.append(self.value(",]"))
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ",":
                    self.i += 1
                elif self.i < len(self.s) and self.s[self.i] == "]":
                    continue
                else:
                    raise _yerr(self.lineno, "did not find expected ',' or ']'")
        if c == "{":
            self.i += 1
            obj = {}
            while True:
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == "}":
                    self.i += 1
                    return obj
                k = self.value(":,}")
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ":":
                    self.i += 1
                    v = self.value(",}")
                else:
                    v = None
                obj[str(k) if k is not None else ""] = v
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ",":
                    self.i += 1
                elif self.i < len(self.s) and self.s[self.i] == "}":
                    continue
                else:
                    raise _yerr(self.lineno, "did not find expected ',' or '}'")
        if c in "\"'":
            return self.quoted()
        start = self.i
        while self.i < len(self.s) and self.s[self.i] not in stops:
            if self.s[self.i] == ":" and ":" in stops and (
                    self.i + 1 >= len(self.s) or self.s[self.i + 1] in " ,}]"):
                break
            self.i += 1
        return _plain(self.s[start:self.i].strip())

    def quoted(self):
        q = self.s[self.i]
        j = self.i + 1
        buf = []
        while j < len(self.s):
            c = self.s[j]
            if q == "'" and c == "'":
                if j + 1 < len(self.s) and self.s[j + 1] == "'":
                    buf.append("'")
                    j += 2
                    continue
                self.i = j + 1
                return "".join(buf)
            if q == '"' and c == "\\":
                buf.append(self.s[j:j + 2])
                j += 2
                continue
            if q == '"' and c == '"':
                self.i = j + 1
                return _dq_unescape("".join(buf), self.lineno)
            buf.append(c)
            j += 1
        raise _yerr(self.lineno, "found unexpected end of stream")


def _scalar(text, lineno):
    text = _strip_comment(text)
    if not text:
        return None
    if text[0] in "[{\"'":
        f = _Flow(text, lineno)
        v = f.value("")
        f.ws()
        if f.i != len(text):
            raise _yerr(lineno, "did not find expected <document start>")
        return v
    if text[0] in "&*!|>%@`":
        if text[0] == "!" and " " in text:  # a tag: ignore it
            return _scalar(text.split(" ", 1)[1], lineno)
        raise _yerr(lineno, "unsupported YAML feature %r in the simulator's parser" % text[0])
    if ": " in text or text.endswith(":"):
        raise _yerr(lineno, "mapping values are not allowed in this context")
    return _plain(text)


def _split_key(content, lineno):
    """'key: rest' -> (key, rest) or None when the line is not a mapping entry."""
    if content[0] in "\"'":
        f = _Flow(content, lineno)
        key = f.quoted()
        rest = content[f.i:]
        if rest.startswith(":") and (len(rest) == 1 or rest[1] in " \t"):
            return key, rest[1:].strip()
        return None
    if content[0] in "[{":
        return None
    m = re.match(r"([^#][^:]*?(?::[^ \t][^:]*?)*)\s*:(?:[ \t]+|$)(.*)$", content)
    if not m:
        return None
    return m.group(1), m.group(2)


class _Block:
    def __init__(self, text):
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.i = 0

    def _skip(self):
        while self.i < len(self.lines):
            s = self.lines[self.i].strip()
            if s and not s.startswith("#"):
                if "\t" in self.lines[self.i][:len(self.lines[self.i]) - len(self.lines[self.i].lstrip())]:
                    raise _yerr(self.i + 1, "found character that cannot start any token")
                return True
            self.i += 1
        return False

    def _ind(self):
        line = self.lines[self.i]
        return len(line) - len(line.lstrip(" "))

    def node(self, min_ind):
        if not self._skip() or self._ind() < min_ind:
            return None
        ind = self._ind()
        content = self.lines[self.i].strip()
        if content == "-" or content.startswith("- "):
            return self.seq(ind)
        if _split_key(content, self.i + 1) is not None:
            return self.map(ind)
        lineno = self.i + 1
        self.i += 1
        return _scalar(content, lineno)

    def block_scalar(self, header, parent_ind, lineno):
        m = re.fullmatch(r"([|>])([-+]?)\d?", header)
        if not m:
            raise _yerr(lineno, "did not find expected comment or line break")
        style, chomp = m.group(1), m.group(2)
        body = []
        ind = None
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.strip() == "":
                body.append("")
                self.i += 1
                continue
            li = len(line) - len(line.lstrip(" "))
            if ind is None:
                if li <= parent_ind:
                    break
                ind = li
            if li < ind:
                break
            body.append(line[ind:])
            self.i += 1
        while body and body[-1] == "" and chomp != "+":
            body.pop()
        if style == "|":
            text = "\n".join(body)
        else:
            text, prev_empty = "", True
            for b in body:
                if b == "":
                    text += "\n"
                    prev_empty = True
                else:
                    text += ("" if prev_empty else " ") + b
                    prev_empty = False
        if chomp != "-" and body:
            text += "\n"
        return text

    def value_after(self, rest, ind, lineno, seq_same_indent):
        """Value of 'key: rest' (or '- rest') at indent ind."""
        if rest and rest[0] in "|>":
            self.i += 1
            return self.block_scalar(_strip_comment(rest), ind, lineno)
        if _strip_comment(rest):
            self.i += 1
            return _scalar(rest, lineno)
        self.i += 1
        if not self._skip():
            return None
        nind = self._ind()
        ncontent = self.lines[self.i].strip()
        is_seq = ncontent == "-" or ncontent.startswith("- ")
        if nind > ind or (seq_same_indent and nind == ind and is_seq):
            return self.node(nind)
        return None

    def map(self, ind):
        obj = {}
        while self._skip():
            cur = self._ind()
            if cur < ind:
                break
            lineno = self.i + 1
            if cur > ind:
                raise _yerr(lineno, "mapping values are not allowed in this context")
            content = self.lines[self.i].strip()
            kv = _split_key(content, lineno)
            if kv is None:
                if content.startswith("- ") or content == "-":
                    break
                raise _yerr(lineno, "could not find expected ':'")
            key, rest = kv
            key = str(_plain(key)) if not content[0] in "\"'" else key
            if key in obj:
                raise _yerr(lineno, 'key "%s" already set in map' % key)
            obj[key] = self.value_after(rest, ind, lineno, True)
        return obj

    def seq(self, ind):
        items = []
        while self._skip():
            cur = self._ind()
            content = self.lines[self.i].strip()
            if cur != ind or not (content == "-" or content.startswith("- ")):
                if cur > ind:
                    raise _yerr(self.i + 1, "did not find expected '-' indicator")
                break
            lineno = self.i + 1
            rest = content[1:].lstrip(" ")
            if rest and (_split_key(rest, lineno) is not None or rest.startswith("- ")) \
                    and rest[0] not in "|>":
                # "- key: v" / "- - x": re-read the line with the dash blanked out.
                off = len(content) - len(rest)
                self.lines[self.i] = " " * (ind + off) + rest
                items.append(self.node(ind + off))
            else:
                items.append(self.value_after(rest, ind, lineno, False))
        return items


def yaml_load(text):
    text = text.lstrip("\ufeff")
    b = _Block(text)
    if not b._skip():
        return None
    v = b.node(0)
    if b._skip():
        raise _yerr(b.i + 1, "did not find expected key")
    return v


def yaml_load_all(text):
    docs, cur = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if re.match(r"---(\s|$)", line) or line.rstrip() == "...":
            docs.append("\n".join(cur))
            cur = []
            rest = line[3:].strip()
            if rest and not rest.startswith("#") and line.startswith("---"):
                cur.append(rest)
        else:
            cur.append(line)
    docs.append("\n".join(cur))
    result = []
    for d in docs:
        v = yaml_load(d)
        if v is not None:
            result.append(v)
    return result


_SAFE = re.compile(r"[A-Za-z0-9_./@$(][A-Za-z0-9 _./:@,=+$()*-]*$")


def _emit_str(s):
    if s == "" or not _SAFE.match(s) or s != s.strip() or ": " in s or s.endswith(":") \
            or _plain(s) is not s and not isinstance(_plain(s), str):
        return json.dumps(s)
    return s


def _emit_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return _emit_str(str(v))


def yaml_dump(obj, ind=0):
    """Block-style YAML (a string ending with a newline)."""
    pad = " " * ind
    lines = []
    if isinstance(obj, dict):
        if not obj:
            return pad + "{}\n"
        for k, v in obj.items():
            key = _emit_str(str(k))
            if isinstance(v, dict) and v:
                lines.append("%s%s:\n%s" % (pad, key, yaml_dump(v, ind + 2)))
            elif isinstance(v, list) and v:
                lines.append("%s%s:\n%s" % (pad, key, yaml_dump(v, ind)))
            elif isinstance(v, str) and "\n" in v.rstrip("\n") or isinstance(v, str) and v.endswith("\n"):
                lines.append("%s%s: %s" % (pad, key, _block_str(v, ind + 2)))
            else:
                lines.append("%s%s: %s\n" % (pad, key, _emit_scalar(v) if not isinstance(v, (dict, list))
                                             else ("{}" if isinstance(v, dict) else "[]")))
        return "".join(lines)
    if isinstance(obj, list):
        if not obj:
            return pad + "[]\n"
        for v in obj:
            if isinstance(v, (dict, list)) and v:
                inner = yaml_dump(v, ind + 2)
                lines.append(pad + "- " + inner[ind + 2:])
            elif isinstance(v, str) and "\n" in v:
                lines.append(pad + "- " + _block_str(v, ind + 2))
            else:
                lines.append(pad + "- " + (_emit_scalar(v) if not isinstance(v, (dict, list))
                                           else ("{}" if isinstance(v, dict) else "[]")) + "\n")
        return "".join(lines)
    return pad + _emit_scalar(obj) + "\n"


def _block_str(v, ind):
    if any(line != line.rstrip() or line.startswith(" ") for line in v.split("\n")[:1]):
        return json.dumps(v) + "\n"
    head = "|" if v.endswith("\n") and not v.endswith("\n\n") else "|-"
    body = v[:-1] if head == "|" else v
    if head == "|-" and v.endswith("\n"):
        return json.dumps(v) + "\n"
    return head + "\n" + "".join((" " * ind + line if line else "") + "\n" for line in body.split("\n"))
