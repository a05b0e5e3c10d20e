package credential

import (
	"context"
	"net"
)

// SetIMDS points the IMDS probe at addr for the rest of the test binary's
// run (tests here are not parallel) and returns a function restoring it.
func SetIMDS(addr string, dial func(ctx context.Context, addr string) (net.Conn, error)) (restore func()) {
	oldAddr, oldDial := imdsAddr, dialIMDS
	imdsAddr = addr
	if dial != nil {
		dialIMDS = dial
	}
	return func() { imdsAddr, dialIMDS = oldAddr, oldDial }
}
