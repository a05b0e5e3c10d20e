package loopback

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrUnsupported is returned on systems where AddAddress is not implemented.
var ErrUnsupported = errors.New("loopback: adding an address to the loopback interface is implemented on Linux only; add it yourself (macOS: 'sudo ifconfig lo0 alias 169.254.169.254') and bind to it")

// AddAddress adds ip as a single-address prefix (/32 or /128) to the
// loopback interface. If the address is already there it changes nothing
// and remove does nothing: the address belongs to whoever added it. remove
// deletes an address AddAddress added.
func AddAddress(ip netip.Addr) (remove func() error, err error) {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return nil, fmt.Errorf("loopback: %q is not an IP address", ip)
	}
	if ip.IsUnspecified() || ip.IsMulticast() {
		return nil, fmt.Errorf("loopback: refusing to add %s to the loopback interface", ip)
	}
	return addAddress(ip)
}
