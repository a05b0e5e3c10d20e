package loopback

import (
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lanyardhq/lanyard/internal/loopback/netnstest"
)

// TestAddAddressInNamespace runs in a private network namespace, where it
// may change lo without touching the host's interfaces.
func TestAddAddressInNamespace(t *testing.T) { netnstest.Run(t, inNamespace) }

func inNamespace(t *testing.T) {
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
