//go:build !linux

package loopback

import "net/netip"

func addAddress(netip.Addr) (func() error, error) { return nil, ErrUnsupported }
