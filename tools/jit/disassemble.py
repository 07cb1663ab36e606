#!/usr/bin/env python3
"""Reads the machine code HotSpot printed for one method, without a disassembler plugin.

JDK 17 with -XX:+PrintAssembly but no hsdis library prints each compiled method as hex words. This script takes the
last C2 (or, with --tier c1, C1) compilation of the named method from such a log, writes its bytes to a file and runs
binutils' objdump on them at the method's own addresses, so that jumps read as in the log.

    java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \\
        -XX:CompileCommand=print,io.etalon.kernel.VectorKernels::correlate4x6 ... > jit.log
    python3 tools/jit/disassemble.py jit.log VectorKernels::correlate4x6 > correlate4x6.s

Needs objdump (Debian's binutils) on the PATH.
"""
import argparse
import re
import subprocess
import sys
import tempfile

HEX_LINE = re.compile(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$')


def method_bytes(lines, start):
    """The main code's bytes from the compilation header at lines[start], and the address of its first byte."""
    code = bytearray()
    first = None
    for line in lines[start + 1:]:
        if line.startswith('Compiled method') or line.startswith('[Stub Code]') or line.startswith('[Exception Handler]'):
            break
        match = HEX_LINE.match(line)
        if match:
            if first is None:
                first = int(match.group(1), 16)
            code += bytes.fromhex(re.sub(r'[^0-9a-f]', '', match.group(2)))
    return first, code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('log', help='the output of a JVM run with -XX:+PrintAssembly or CompileCommand=print')
    parser.add_argument('method', help='Class::method as the log names it, e.g. VectorKernels::correlate4x6')
    parser.add_argument('--tier', choices=['c1', 'c2'], default='c2')
    args = parser.parse_args()
    lines = open(args.log, errors='replace').read().split('\n')
    header = re.compile(r'Compiled method \(' + args.tier + r'\).*' + re.escape(args.method) + r' \(')
    starts = [i for i, line in enumerate(lines) if header.search(line)]
    if not starts:
        sys.exit(f'no {args.tier} compilation of {args.method} in {args.log}: '
                 'print it with -XX:CompileCommand=print,<class>::<method>')
    first, code = method_bytes(lines, starts[-1])
    if first is None:
        sys.exit(f'the last {args.tier} compilation of {args.method} has no hex code: was hsdis loaded?')
    with tempfile.NamedTemporaryFile(suffix='.bin') as raw:
        raw.write(code)
        raw.flush()
        subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', f'--adjust-vma={first:#x}', raw.name],
                       check=True)


if __name__ == '__main__':
    main()
