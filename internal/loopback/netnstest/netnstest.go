//go:build linux

// Package netnstest runs a test inside a private network namespace, so it
// may add addresses and bind 169.254.169.254 without touching the
// machine's own interfaces.
package netnstest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// childEnv names the test the re-executed binary must run in the namespace.
const childEnv = "LANYARD_NETNS_TEST"

// Run re-executes the test binary under `unshare -rn` (a new user and
// network namespace, allowed unprivileged on most kernels) running only
// t's test; there, with lo brought up, it calls child. The parent passes
// or fails with the child. It skips, loudly, only where unshare is missing
// or the kernel forbids such namespaces. t must be a top-level test.
func Run(t *testing.T, child func(t *testing.T)) {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		// A new namespace's lo is down: nothing, not even 127.0.0.1, answers.
		if err := linkUp("lo"); err != nil {
			t.Fatalf("bring lo up in the namespace: %v", err)
		}
		child(t)
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skipf("SKIPPED: unshare(1) is not installed, so %s cannot make a private network namespace", t.Name())
	}
	if out, err := exec.Command("unshare", "-rn", "true").CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: this kernel forbids unprivileged user+network namespaces (unshare -rn: %v %s); %s cannot run here", err, out, t.Name())
	}
	cmd := exec.Command("unshare", "-rn", os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	t.Logf("namespace child:\n%s", out)
	if err != nil {
		t.Fatalf("namespace child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatal("the namespace child did not run the test")
	}
}

// linkUp sets IFF_UP on an interface, as `ip link set NAME up`.
func linkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
