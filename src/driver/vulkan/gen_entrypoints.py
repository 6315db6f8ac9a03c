#!/usr/bin/env python3
"""Generates the Mica driver's entry-point declarations and lookup table.

The signatures come from the system's vulkan_core.h, so a declaration can never drift from the API:
implementations are defined as mica::vk::<Name> and the table casts each to its PFN_vk<Name> type,
which fails to compile if a definition does not match.

"extension VK_..." lines name the promoted device extensions the driver may advertise. Their
commands come from the registry (vk.xml): each must be an alias of a core command the driver
implements (generation fails otherwise, so an extension is never advertised with a missing entry
point), and is added to the table under the extension's name, tagged with the extension so that
vkGetDeviceProcAddr returns it only on devices that enabled it.

"device-extension VK_... Name..." lines name a (non-promoted) device extension the driver
implements with commands of its own: each listed command must be in vulkan_core.h and is added
under its name, tagged with the extension; every command vk.xml lists for the extension must be
listed (generation fails otherwise).

"no-queue <Name>..." lines name core device commands that no Mica queue can execute (recording
commands of graphics and sparse-binding queues; Mica's queues are compute and transfer only): the
spec still requires their entry points, so each gets a generated definition that reports the
invalid call (unsupported_queue_command, no_queue_commands.cpp) and does nothing. They must return void.

Every entry is tagged for vkGet*ProcAddr's filtering, from vk.xml: a core command with the Vulkan
version that introduced it (<feature number="1.x">), any other with the extension that provides it
(instance or device extension). A listed command that is neither fails generation.
"""
import xml.etree.ElementTree as ET
import argparse
import re
import sys


def parse_prototypes(header_text):
    protos = {}
    for m in re.finditer(r'VKAPI_ATTR\s+(.+?)\s+VKAPI_CALL\s+vk(\w+)\s*\((.*?)\);', header_text, re.S):
        ret, name, params = m.group(1), m.group(2), ' '.join(m.group(3).split())
        protos[name] = (ret, params)
    return protos


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vulkan-header', required=True)
    ap.add_argument('--list', required=True)
    ap.add_argument('--header-out', required=True)
    ap.add_argument('--table-out', required=True)
    ap.add_argument('--registry', required=True, help='vk.xml')
    args = ap.parse_args()
    registry = ET.parse(args.registry).getroot()
    aliases = {c.get('name'): c.get('alias') for c in registry.find('commands') if c.get('alias')}
    ext_xml = {e.get('name'): e for e in registry.find('extensions')}
    # Core version of each command, and the extension that provides each extension command.
    core_version = {}
    for feature in registry.findall('feature'):
        if 'vulkan' not in feature.get('api', 'vulkan').split(','):
            continue
        major, minor = feature.get('number').split('.')
        for req in feature.findall('require'):
            for c in req.findall('command'):
                core_version.setdefault(c.get('name')[2:], f'VK_API_VERSION_{major}_{minor}')
    command_extension = {}
    for e in registry.find('extensions'):
        if e.get('supported') == 'disabled':
            continue
        for req in e.findall('require'):
            for c in req.findall('command'):
                command_extension.setdefault(c.get('name')[2:], (e.get('name'), e.get('type')))

    with open(args.vulkan_header, encoding='utf-8') as f:
        protos = parse_prototypes(f.read())
    entries = []
    extensions = []
    own_extensions = []
    no_queue = []
    with open(args.list, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if words[0] == 'no-queue':
                for name in words[1:]:
                    if name not in protos:
                        sys.exit(f'{args.list}: vk{name} not found in {args.vulkan_header}')
                    if protos[name][0] != 'void':
                        sys.exit(f'{args.list}: no-queue command vk{name} must return void')
                    no_queue.append(name)
                    entries.append(('device', name, name, None))
                continue
            if words[0] == 'device-extension':
                own_extensions.append((words[1], words[2:]))
                continue
            level, name = words
            if level == 'extension':
                extensions.append(name)
                continue
            name, _, impl = name.partition('=')
            impl = impl or name
            if level not in ('global', 'instance', 'physical', 'device'):
                sys.exit(f'{args.list}: bad level {level!r} for {name}')
            for n in (name, impl):
                if n not in protos:
                    sys.exit(f'{args.list}: vk{n} not found in {args.vulkan_header}')
            if protos[name] != protos[impl]:
                sys.exit(f'{args.list}: vk{name} and vk{impl} have different signatures')
            entries.append((level, name, impl, None))

    implemented = {name: level for level, name, _, _ in entries}
    ext_rows = []
    for ext in extensions:
        e = ext_xml.get(ext)
        if e is None or e.get('type') != 'device':
            sys.exit(f'{args.list}: {ext} is not a device extension of {args.registry}')
        version = None
        for req in e.findall('require'):
            for en in req.findall('enum'):
                if en.get('name', '').endswith('_SPEC_VERSION'):
                    version = en.get('value')
            # Blocks that depend on another extension or feature add nothing unless that one is present.
            if req.get('extension') or req.get('depends') or req.get('feature'):
                continue
            for c in req.findall('command'):
                full = c.get('name')
                target = aliases.get(full)
                core = target[2:] if target else None
                if core not in implemented:
                    sys.exit(f'{args.list}: {ext} needs {full}, which is not an alias of an implemented command')
                entries.append((implemented[core], full[2:], core, ext))
        ext_rows.append((ext, version or '1'))

    for ext, commands in own_extensions:
        e = ext_xml.get(ext)
        if e is None or e.get('type') != 'device':
            sys.exit(f'{args.list}: {ext} is not a device extension of {args.registry}')
        version = None
        needed = set()
        for req in e.findall('require'):
            for en in req.findall('enum'):
                if en.get('name', '').endswith('_SPEC_VERSION'):
                    version = en.get('value')
            for c in req.findall('command'):
                needed.add(c.get('name')[2:])
        if needed != set(commands):
            sys.exit(f'{args.list}: {ext} has the commands {sorted(needed)}, the list names {sorted(commands)}')
        for name in commands:
            if name not in protos:
                sys.exit(f'{args.list}: vk{name} not found in {args.vulkan_header}')
            entries.append(('device', name, name, ext))
        ext_rows.append((ext, version or '1'))

    with open(args.header_out, 'w', encoding='utf-8') as out:
        out.write('// Generated by gen_entrypoints.py from entrypoints.txt and vulkan_core.h; do not edit.\n')
        out.write('#pragma once\n#include "object.h"\n\nnamespace mica::vk {\n\n')
        for _, name, impl, _ in entries:
            if name != impl:
                continue
            ret, params = protos[name]
            out.write(f'VKAPI_ATTR {ret} VKAPI_CALL {name}({params});\n')
        out.write('\n}  // namespace mica::vk\n')

    with open(args.table_out, 'w', encoding='utf-8') as out:
        out.write('// Generated by gen_entrypoints.py from entrypoints.txt and vulkan_core.h; do not edit.\n')
        out.write('#include "entrypoint_table.h"\n#include "entrypoints.h"\n\nnamespace mica::vk {\n\n')
        # Definitions of the commands no queue executes: parameters unnamed-in-use, the name reported.
        for name in no_queue:
            params = ', '.join('[[maybe_unused]] ' + p.strip() for p in protos[name][1].split(','))
            out.write(f'VKAPI_ATTR void VKAPI_CALL {name}({params}) {{ unsupported_queue_command("vk{name}"); }}\n')
        out.write('\n')
        out.write('const EntryPoint kEntryPoints[] = {\n')
        for level, name, impl, ext in entries:
            version = core_version.get(name) if not ext else None
            instance_ext = 'false'
            if not version:
                if name not in command_extension:
                    sys.exit(f'{args.list}: vk{name} is neither a core command nor an extension command of vk.xml')
                ext, ext_type = command_extension[name]
                instance_ext = 'true' if ext_type == 'instance' else 'false'
            tag = f'"{ext}"' if ext else 'nullptr'
            out.write(f'  {{"vk{name}", EntryLevel::{level}, '
                      f'reinterpret_cast<PFN_vkVoidFunction>(static_cast<PFN_vk{impl}>(&{impl})), {tag}, '
                      f'{instance_ext}, {version or 0}}},\n')
        out.write('};\nconst std::size_t kEntryPointCount = sizeof(kEntryPoints) / sizeof(kEntryPoints[0]);\n\n')
        out.write('const VkExtensionProperties kPromotedDeviceExtensions[] = {\n')
        for ext, version in ext_rows:
            out.write(f'  {{"{ext}", {version}}},\n')
        out.write('};\nconst std::size_t kPromotedDeviceExtensionCount = '
                  'sizeof(kPromotedDeviceExtensions) / sizeof(kPromotedDeviceExtensions[0]);\n')
        out.write('\n}  // namespace mica::vk\n')


if __name__ == '__main__':
    main()
