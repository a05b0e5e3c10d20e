package cli

import "golang.org/x/sys/unix"

// readNoEcho reads a line from the terminal fd with echo off, restoring the
// terminal afterwards. ok is false when fd is not a terminal. (It is what
// golang.org/x/term does; x/term is not among the module's dependencies.)
func readNoEcho(fd int) (string, bool, error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return "", false, nil
	}
	t := *old
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return "", true, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	var buf []byte
	var b [1]byte
	for {
		n, err := unix.Read(fd, b[:])
		if n == 0 || err != nil || b[0] == '\n' {
			if err != nil && len(buf) == 0 {
				return "", true, err
			}
			break
		}
		buf = append(buf, b[0])
	}
	return string(buf), true, nil
}
