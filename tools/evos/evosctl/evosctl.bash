# SPDX-License-Identifier: GPL-2.0
# bash completion for evosctl(8)

_evosctl()
{
	local cur prev words cword
	_init_completion || return

	local opts="--json --pretty --debug --pin-root --help --version"
	local cmd="" i
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [ "$prev" = --pin-root ]; then
		_filedir -d
		return
	fi
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "load unload attach detach workers sched xsk stats status version help $opts" -- "$cur"))
		return
	fi
	case "$cmd" in
	load)
		_filedir o
		;;
	attach | detach)
		case "$prev" in
		attach | detach) COMPREPLY=($(compgen -W "xdp help" -- "$cur")) ;;
		xdp) _available_interfaces ;;
		esac
		;;
	workers)
		[ "$prev" = workers ] &&
			COMPREPLY=($(compgen -W "start set stop status help" -- "$cur"))
		;;
	sched)
		case "$prev" in
		sched) COMPREPLY=($(compgen -W "attach detach status help" -- "$cur")) ;;
		attach | --app | [0-9]*) COMPREPLY=($(compgen -W "--slice-us --max-share --app" -- "$cur")) ;;
		esac
		;;
	xsk)
		case "$prev" in
		xsk) COMPREPLY=($(compgen -W "consume help" -- "$cur")) ;;
		consume) _available_interfaces ;;
		*) COMPREPLY=($(compgen -W "--queues --echo" -- "$cur")) ;;
		esac
		;;
	stats)
		COMPREPLY=($(compgen -W "--watch" -- "$cur"))
		;;
	esac
} &&
	complete -F _evosctl evosctl
