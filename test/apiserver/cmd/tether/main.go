// Command tether runs a command that the kernel kills when its parent dies:
//
//	tether PARENT_PID COMMAND [ARG]...
//
// controlplane.ts kills its processes on exit and on SIGINT/SIGTERM, but not
// when it is SIGKILLed (a test runner's timeout, an OOM kill); PR_SET_PDEATHSIG
// covers that, and it survives execve, so tether leaves no process of its own.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: tether PARENT_PID COMMAND [ARG]...")
		os.Exit(2)
	}
	parent, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tether: bad PARENT_PID:", err)
		os.Exit(2)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); errno != 0 {
		fmt.Fprintln(os.Stderr, "tether: prctl:", errno)
		os.Exit(1)
	}
	// The parent may have died before prctl took effect.
	if os.Getppid() != parent {
		os.Exit(1)
	}
	path, err := exec.LookPath(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tether:", err)
		os.Exit(127)
	}
	err = syscall.Exec(path, os.Args[2:], os.Environ())
	fmt.Fprintln(os.Stderr, "tether: exec:", err)
	os.Exit(126)
}
