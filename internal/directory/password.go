package directory

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argonParams are argon2id's cost parameters. They are written into every
// hash (PHC string format), so they can be raised later without breaking
// existing hashes; a sign-in with old parameters re-hashes the password.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

// defaultParams is OWASP's first argon2id recommendation (19 MiB, t=2, p=1).
// On the 2-core reference machine one verification takes about 26 ms: slow
// enough to make guessing expensive, fast enough for a sign-in endpoint.
var defaultParams = argonParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32}

// Bounds on parameters read back from a stored hash, so that a corrupted or
// tampered row cannot make one sign-in allocate gigabytes or spin for minutes.
const (
	maxMemory  = 256 * 1024
	maxTime    = 16
	maxThreads = 16
	saltLen    = 16
)

var errMalformedHash = errors.New("directory: malformed password hash")

// passwordHasher hashes and verifies passwords. Its semaphore bounds how many
// argon2 computations run at once: each holds memory KiB, and a flood of
// sign-ins must queue rather than exhaust memory.
type passwordHasher struct {
	params argonParams
	sem    chan struct{}
}

func newPasswordHasher(p argonParams) *passwordHasher {
	return &passwordHasher{params: p, sem: make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))}
}

func (h *passwordHasher) derive(ctx context.Context, password string, salt []byte, p argonParams) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen), nil
}

// hash returns password's PHC string with a fresh random salt.
func (h *passwordHasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key, err := h.derive(ctx, password, salt, h.params)
	if err != nil {
		return "", err
	}
	return encodePHC(h.params, salt, key), nil
}

// HashPassword returns password's argon2id hash with the current parameters,
// for callers that create a user inside their own transaction (the server's
// first-start bootstrap). It enforces the same password policy as CreateUser.
func HashPassword(password string) (string, error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	return newPasswordHasher(defaultParams).hash(context.Background(), password)
}

// verify reports whether password matches encoded, and whether encoded
// should be replaced because its parameters are not the current ones.
func (h *passwordHasher) verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return false, false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, p != h.params, nil
}

// dummy returns a well-formed hash of nothing anyone knows, with the current
// parameters: verifying against it costs what a real verification costs, so
// an unknown user name takes as long to reject as a wrong password.
func (h *passwordHasher) dummy() string {
	salt, key := make([]byte, saltLen), make([]byte, h.params.keyLen)
	rand.Read(salt)
	rand.Read(key)
	return encodePHC(h.params, salt, key)
}

// PHC strings use unpadded standard base64; Strict refuses non-canonical
// trailing bits, so one hash has one spelling.
var b64 = base64.RawStdEncoding.Strict()

func encodePHC(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodePHC parses "$argon2id$v=19$m=…,t=…,p=…$salt$hash" strictly.
func decodePHC(s string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(s, "$")
	// The base64 decoder skips newlines; a hash must not contain any.
	if strings.ContainsAny(s, "\r\n") || len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errMalformedHash
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, errMalformedHash
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return p, nil, nil, errMalformedHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 || strconv.FormatUint(n, 10) != v {
			return p, nil, nil, errMalformedHash
		}
		vals[i] = n
	}
	if vals[0] > maxMemory || vals[1] > maxTime || vals[2] > maxThreads || vals[0] < 8*vals[2] {
		return p, nil, nil, fmt.Errorf("%w: parameters out of bounds", errMalformedHash)
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errMalformedHash
	}
	p = argonParams{memory: uint32(vals[0]), time: uint32(vals[1]), threads: uint8(vals[2]), keyLen: uint32(len(key))}
	return p, salt, key, nil
}
