"""``costcalc completion bash|zsh|fish``: shell completion written from the argparse parser.

The parser is walked once into its commands and their flags (with each flag's choices, and
whether it takes a file), and each shell's script is printed from that, so a new command or flag
completes without anyone editing a script. Written here rather than taken from shtab: the walk
is small, and the kit keeps its dependencies to what a command needs to run.

Every script finds the command being typed the same way: the words so far that name a
sub-command, in order, make its path (``root/price/lambda``); a flag's value, a file or a
sub-command is then offered for that path.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from costcalc.cli.arguments import Commands, command

SHELLS = ("bash", "zsh", "fish")
ROOT = "root"


@dataclass(frozen=True)
class Flag:
    names: tuple[str, ...]
    takes_value: bool
    choices: tuple[str, ...]
    file: bool
    help: str


@dataclass(frozen=True)
class Node:
    """One command: its path, its sub-commands (name, help), its flags, whether a positional
    argument is a file, and the values a positional argument with choices takes."""

    path: str
    commands: tuple[tuple[str, str], ...]
    flags: tuple[Flag, ...]
    files: bool
    values: tuple[str, ...] = ()


def walk(parser: argparse.ArgumentParser, path: str = ROOT) -> Iterator[Node]:
    """Every command of ``parser``, this one first."""
    commands: list[tuple[str, str]] = []
    flags: list[Flag] = []
    children: list[tuple[str, argparse.ArgumentParser]] = []
    files = False
    values: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                commands.append((name, helps.get(name, "")))
                children.append((name, sub))
        elif action.option_strings:
            flags.append(
                Flag(
                    tuple(action.option_strings),
                    action.nargs != 0,
                    tuple(str(c) for c in action.choices or ()),
                    action.type is Path,
                    "" if action.help in (None, argparse.SUPPRESS) else _one_line(action.help),
                )
            )
        elif action.type is Path:
            files = True
        elif action.choices:
            values += [str(choice) for choice in action.choices]
    yield Node(path, tuple(commands), tuple(flags), files, tuple(values))
    for name, sub in children:
        yield from walk(sub, f"{path}/{name}")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("%%", "%")


def script(shell: str, parser: argparse.ArgumentParser, prog: str) -> str:
    nodes = list(walk(parser))
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](nodes, prog)


def _function(prog: str) -> str:
    return "_" + "".join(c if c.isalnum() else "_" for c in prog)


def _paths(nodes: list[Node]) -> str:
    """The shell ``case`` patterns of every path a sub-command word extends."""
    return "|".join(f'"{node.path}/{name}"' for node in nodes for name, _ in node.commands)


def _words(node: Node) -> str:
    commands = [name for name, _ in node.commands]
    return " ".join([*commands, *node.values, *(n for f in node.flags for n in f.names)])


def _value_cases(nodes: list[Node], choices: str, files: str, nothing: str) -> list[str]:
    cases = []
    for node in nodes:
        for flag in (f for f in node.flags if f.takes_value):
            pattern = "|".join(f'"{node.path}:{name}"' for name in flag.names)
            if flag.choices:
                body = choices.format(words=" ".join(flag.choices))
            else:
                body = files if flag.file else nothing
            cases.append(f"        {pattern}) {body}; return;;")
    return cases


def _bash(nodes: list[Node], prog: str) -> str:
    name = _function(prog)
    lines = [
        f"# bash completion for {prog}, written from its parser: source <({prog} completion bash)",
        f"{name}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        f'    local cmdpath="{ROOT}" word i',
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        word="${COMP_WORDS[i]}"',
        '        case "$cmdpath/$word" in',
        f'            {_paths(nodes)}) cmdpath="$cmdpath/$word";;',
        "        esac",
        "    done",
        '    case "$cmdpath:$prev" in',
        *_value_cases(
            nodes,
            choices='COMPREPLY=($(compgen -W "{words}" -- "$cur"))',
            files='COMPREPLY=($(compgen -f -- "$cur"))',
            nothing="COMPREPLY=()",
        ),
        "    esac",
        '    case "$cmdpath" in',
    ]
    for node in nodes:
        files = ' ; [[ $cur == -* ]] || COMPREPLY+=($(compgen -f -- "$cur"))' if node.files else ""
        lines.append(
            f'        "{node.path}") COMPREPLY=($(compgen -W "{_words(node)}" -- "$cur")){files};;'
        )
    lines += ["    esac", "}", f"complete -F {name} {prog}", ""]
    return "\n".join(lines)


def _zsh(nodes: list[Node], prog: str) -> str:
    name = _function(prog)
    lines = [
        f"#compdef {prog}",
        f"# zsh completion for {prog}, written from its parser: save as _{prog} in a folder "
        "of $fpath",
        f"{name}() {{",
        f'    local cur="${{words[CURRENT]}}" prev="${{words[CURRENT-1]}}" cmdpath="{ROOT}" word',
        "    local -i i",
        "    for ((i = 2; i < CURRENT; i++)); do",
        '        word="${words[i]}"',
        '        case "$cmdpath/$word" in',
        f'            ({_paths(nodes)}) cmdpath="$cmdpath/$word";;',
        "        esac",
        "    done",
        '    case "$cmdpath:$prev" in',
        *(
            case.replace("        ", "        (", 1)
            for case in _value_cases(
                nodes, choices="compadd -- {words}", files="_files", nothing=":"
            )
        ),
        "    esac",
        '    case "$cmdpath" in',
    ]
    for node in nodes:
        files = " ; [[ $cur == -* ]] || _files" if node.files else ""
        lines.append(f'        ("{node.path}") compadd -- {_words(node)}{files};;')
    lines += [
        "    esac",
        "}",
        'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then',
        f'    {name} "$@"',
        "else",
        f"    compdef {name} {prog}",
        "fi",
        "",
    ]
    return "\n".join(lines)


def _fish(nodes: list[Node], prog: str) -> str:
    finder = f"__{_function(prog).lstrip('_')}_path"
    lines = [
        f"# fish completion for {prog}, written from its parser: "
        f"{prog} completion fish > ~/.config/fish/completions/{prog}.fish",
        f"function {finder}",
        f"    set -l cmdpath {ROOT}",
        "    for word in (commandline -opc)[2..-1]",
        '        switch "$cmdpath/$word"',
        f"            case {' '.join(_paths(nodes).replace(chr(34), '').split('|'))}",
        '                set cmdpath "$cmdpath/$word"',
        "        end",
        "    end",
        "    echo $cmdpath",
        "end",
        f"complete -c {prog} -f",
    ]
    for node in nodes:
        when = shlex.quote(f"test ({finder}) = {node.path}")
        for sub, text in node.commands:
            lines.append(f"complete -c {prog} -n {when} -a {sub} -d {shlex.quote(text)}")
        for flag in node.flags:
            names = " ".join(
                f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in flag.names
            )
            value = ""
            if flag.choices:
                value = f" -xa {shlex.quote(' '.join(flag.choices))}"
            elif flag.takes_value:
                value = " -rF" if flag.file else " -x"
            lines.append(f"complete -c {prog} -n {when} {names}{value} -d {shlex.quote(flag.help)}")
        if node.files:
            lines.append(f"complete -c {prog} -n {when} -F")
        if node.values:
            lines.append(f"complete -c {prog} -n {when} -a {shlex.quote(' '.join(node.values))}")
    return "\n".join(lines) + "\n"


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for SHELL, written from costcalc's own parser.",
        epilog="Examples:\n"
        "  source <(costcalc completion bash)                       # in ~/.bashrc\n"
        "  costcalc completion zsh > ~/.zfunc/_costcalc             # a folder in $fpath\n"
        "  costcalc completion fish > ~/.config/fish/completions/costcalc.fish",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell the script is for")
    command(parser, _print)


def _print(args: argparse.Namespace) -> int:
    from costcalc.cli.main import build_parser  # noqa: PLC0415 - the root parser imports this module

    sys.stdout.write(script(args.shell, build_parser(), "costcalc"))
    return 0
