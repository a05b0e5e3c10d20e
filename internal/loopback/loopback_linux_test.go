package loopback

import (
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// childEnv marks the copy of the test binary running inside the namespace.
const childEnv = "LANYARD_LOOPBACK_NETNS_CHILD"

// TestAddAddressInNamespace re-executes this test binary under
// `unshare -rn` (a new user and network namespace), where it may change lo
// without touching the host's interfaces.
func TestAddAddressInNamespace(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		inNamespace(t)
		return
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("SKIPPED: unshare(1) is not installed, so the loopback test cannot make a private network namespace")
	}
	if out, err := exec.Command("unshare", "-rn", "true").CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: this kernel forbids unprivileged user+network namespaces (unshare -rn: %v %s); AddAddress is untested here", err, out)
	}
	cmd := exec.Command("unshare", "-rn", os.Args[0], "-test.run=^TestAddAddressInNamespace$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("namespace child:\n%s", out)
	if err != nil {
		t.Fatalf("namespace child failed: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestAddAddressInNamespace") {
		t.Fatal("namespace child did not run the test")
	}
}

func inNamespace(t *testing.T) {
	// A fresh namespace's lo is down.
	if err := setLinkUp("lo"); err != nil {
		t.Fatalf("bring lo up: %v", err)
	}
	ip := netip.MustParseAddr("169.254.169.254")
	remove, err := AddAddress(ip)
	if err != nil {
		t.Fatal(err)
	}
	if !hasAddr(t, ip) {
		t.Fatal("address not on lo after AddAddress")
	}
	// Adding again is fine and its remove leaves the address alone.
	again, err := AddAddress(ip)
	if err != nil {
		t.Fatalf("second AddAddress: %v", err)
	}
	if err := again(); err != nil || !hasAddr(t, ip) {
		t.Fatalf("the second remove took the address away (%v)", err)
	}

	ln, err := net.Listen("tcp", "169.254.169.254:80")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("imds"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", "169.254.169.254:80")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(c)
	c.Close()
	ln.Close()
	if string(got) != "imds" {
		t.Fatalf("read %q through 169.254.169.254:80", got)
	}

	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if hasAddr(t, ip) {
		t.Fatal("address still on lo after remove")
	}
	if err := remove(); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	// IPv6 works the same way.
	remove6, err := AddAddress(netip.MustParseAddr("fd00:ec2::254"))
	if err != nil {
		t.Fatal(err)
	}
	if err := remove6(); err != nil {
		t.Fatal(err)
	}
}

func hasAddr(t *testing.T, ip netip.Addr) bool {
	t.Helper()
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := lo.Addrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr() == ip {
			return true
		}
	}
	return false
}

// setLinkUp sends RTM_NEWLINK with IFF_UP, as `ip link set NAME up`.
func setLinkUp(name string) error {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return err
	}
	b := make([]byte, unix.SizeofIfInfomsg)
	b[0] = unix.AF_UNSPEC
	binary.NativeEndian.PutUint32(b[4:], uint32(ifc.Index))
	binary.NativeEndian.PutUint32(b[8:], unix.IFF_UP)
	binary.NativeEndian.PutUint32(b[12:], unix.IFF_UP)
	return request(unix.RTM_NEWLINK, 0, b)
}

func TestAddAddressRejectsBadInput(t *testing.T) {
	for _, ip := range []netip.Addr{{}, netip.IPv4Unspecified(), netip.IPv6Unspecified(), netip.MustParseAddr("224.0.0.1"), netip.MustParseAddr("fe80::1%eth0")} {
		if _, err := AddAddress(ip); err == nil {
			t.Errorf("AddAddress(%v) succeeded", ip)
		}
	}
}

func TestParseRejectsMalformedMessages(t *testing.T) {
	bad := make([]byte, unix.SizeofNlMsghdr)
	binary.NativeEndian.PutUint32(bad, 1000) // longer than the buffer
	if _, err := parse(bad); err == nil {
		t.Error("parse accepted a length past the buffer")
	}
	binary.NativeEndian.PutUint32(bad, 3) // shorter than a header
	if _, err := parse(bad); err == nil {
		t.Error("parse accepted a length shorter than the header")
	}
}
