#!/usr/bin/env python3
"""Refreshes every code block in docs/*.md that has a <!-- snippet: PATH[#region] --> marker on the
line before it, from that file (or the lines between `// begin-snippet: region` and `// end-snippet`,
de-indented). DocsTests fails when a block and its source differ; run this, then review the diff."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
marker = re.compile(r"<!--\s*snippet:\s*(\S+)\s*-->")
fence = re.compile(r"^(\s*```)\s*([A-Za-z#+-]*)\s*$")

def source_text(spec):
    path, _, region = spec.partition("#")
    file = (root / path).resolve()
    if not file.exists():
        return None
    text = file.read_text(encoding="utf-8").replace("\r\n", "\n")
    if not region:
        return text.rstrip("\n").split("\n")
    lines = text.split("\n")
    begin = next(i for i, l in enumerate(lines) if l.strip() == f"// begin-snippet: {region}")
    end = next(i for i in range(begin + 1, len(lines)) if lines[i].strip() == "// end-snippet")
    body = lines[begin + 1:end]
    indent = min((len(l) - len(l.lstrip()) for l in body if l.strip()), default=0)
    return [l[indent:] if len(l) >= indent else l.lstrip() for l in body]

for doc in sorted((root / "docs").glob("*.md")):
    lines = doc.read_text(encoding="utf-8").split("\n")
    out, i, spec = [], 0, None
    while i < len(lines):
        line = lines[i]
        m = fence.match(line)
        if m:
            end = i + 1
            while end < len(lines) and lines[end].rstrip() != m.group(1):
                end += 1
            body = source_text(spec) if spec else None
            out.append(line)
            out.extend(body if body is not None else lines[i + 1:end])
            out.append(lines[end] if end < len(lines) else m.group(1))
            i, spec = end + 1, None
            continue
        mm = marker.search(line)
        if mm:
            spec = mm.group(1)
        elif line.strip():
            spec = None
        out.append(line)
        i += 1
    doc.write_text("\n".join(out), encoding="utf-8")
    print(f"refreshed {doc.relative_to(root)}")
