package loopback

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

func addAddress(ip netip.Addr) (func() error, error) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		return nil, fmt.Errorf("loopback: %w", err)
	}
	msg := addrMessage(ip, lo.Index)
	err = request(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, msg)
	switch {
	case errors.Is(err, unix.EEXIST):
		return func() error { return nil }, nil
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return nil, fmt.Errorf("loopback: adding %s to lo needs CAP_NET_ADMIN (run as root, or 'sudo setcap cap_net_admin,cap_net_bind_service+ep lanyard'): %w", ip, err)
	case err != nil:
		return nil, fmt.Errorf("loopback: add %s to lo: %w", ip, err)
	}
	var once atomic.Bool
	return func() error {
		if !once.CompareAndSwap(false, true) {
			return nil
		}
		if err := request(unix.RTM_DELADDR, 0, msg); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
			return fmt.Errorf("loopback: remove %s from lo: %w", ip, err)
		}
		return nil
	}, nil
}

// addrMessage is an ifaddrmsg for ip as a host prefix on interface index,
// with IFA_LOCAL and IFA_ADDRESS attributes (what `ip addr add` sends).
func addrMessage(ip netip.Addr, index int) []byte {
	family, bits := unix.AF_INET, 32
	if ip.Is6() {
		family, bits = unix.AF_INET6, 128
	}
	b := make([]byte, unix.SizeofIfAddrmsg)
	b[0] = byte(family)
	b[1] = byte(bits)
	b[3] = unix.RT_SCOPE_HOST
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	raw := ip.AsSlice()
	b = appendAttr(b, unix.IFA_LOCAL, raw)
	return appendAttr(b, unix.IFA_ADDRESS, raw)
}

func appendAttr(b []byte, typ uint16, data []byte) []byte {
	n := unix.SizeofRtAttr + len(data)
	b = binary.NativeEndian.AppendUint16(b, uint16(n))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, data...)
	for len(b)%unix.NLMSG_ALIGNTO != 0 {
		b = append(b, 0)
	}
	return b
}

var seq atomic.Uint32

// request sends one rtnetlink request and waits for its acknowledgement,
// returning the kernel's errno (nil for success).
func request(typ uint16, flags uint16, payload []byte) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	s := seq.Add(1)
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(payload))
	binary.NativeEndian.PutUint32(msg[0:], uint32(unix.SizeofNlMsghdr+len(payload)))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK|flags)
	binary.NativeEndian.PutUint32(msg[8:], s)
	msg = append(msg, payload...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 8192)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return err
		}
		msgs, err := parse(buf[:n])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.seq != s || m.typ != unix.NLMSG_ERROR {
				continue
			}
			if len(m.data) < 4 {
				return errors.New("short netlink acknowledgement")
			}
			if errno := int32(binary.NativeEndian.Uint32(m.data)); errno != 0 {
				return unix.Errno(-errno)
			}
			return nil
		}
	}
}

type nlmsg struct {
	typ  uint16
	seq  uint32
	data []byte
}

func parse(b []byte) ([]nlmsg, error) {
	var out []nlmsg
	for len(b) >= unix.SizeofNlMsghdr {
		l := int(binary.NativeEndian.Uint32(b[0:]))
		if l < unix.SizeofNlMsghdr || l > len(b) {
			return nil, errors.New("malformed netlink message")
		}
		out = append(out, nlmsg{typ: binary.NativeEndian.Uint16(b[4:]), seq: binary.NativeEndian.Uint32(b[8:]), data: b[unix.SizeofNlMsghdr:l]})
		l = (l + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1)
		if l > len(b) {
			break
		}
		b = b[l:]
	}
	return out, nil
}
