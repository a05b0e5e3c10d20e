package agent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"sync"
)

// A session is one IDENTITY_HEADER: the right of one process to tokens for
// one app's identities, for as long as the session lasts.
type session struct {
	appID   string
	appName string
}

// headerLen is the length of a header: 32 random bytes, base64url.
const headerLen = 43

// sessions maps headers to sessions. Headers are kept only as SHA-256
// hashes: a lookup compares hashes of what the client sent, so map timing
// reveals nothing about a valid header, and a memory dump of the map
// yields no usable header.
type sessions struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]*session
}

func newSessions() *sessions { return &sessions{m: make(map[[sha256.Size]byte]*session)} }

func (s *sessions) lookup(header string) *session {
	if len(header) != headerLen {
		return nil
	}
	var buf [headerLen]byte // on the stack: hashing a string allocates otherwise
	copy(buf[:], header)
	h := sha256.Sum256(buf[:])
	s.mu.RLock()
	sess := s.m[h]
	s.mu.RUnlock()
	return sess
}

// add registers a new session and returns its header and revoke function.
func (s *sessions) add(sess *session) (string, func(), error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("agent: generating identity header: %w", err)
	}
	header := base64.RawURLEncoding.EncodeToString(b[:])
	h := sha256.Sum256([]byte(header))
	s.mu.Lock()
	s.m[h] = sess
	s.mu.Unlock()
	var once sync.Once
	revoke := func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.m, h)
			s.mu.Unlock()
		})
	}
	return header, revoke, nil
}

func (s *sessions) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

// OpenSession resolves app (name or resource ID) through the server and
// creates an IDENTITY_HEADER for it, valid until the returned function is
// called. Errors from the server are *fabric.Error.
func (a *Agent) OpenSession(ctx context.Context, app string) (SessionInfo, func(), error) {
	res, err := a.cfg.Fabric.App(ctx, app)
	if err != nil {
		return SessionInfo{}, nil, err
	}
	header, revoke, err := a.sessions.add(&session{appID: res.ID, appName: res.Name})
	if err != nil {
		return SessionInfo{}, nil, err
	}
	a.cfg.Logger.Info("agent: session opened", "host", a.cfg.HostID, "app", res.ID)
	settings := maps.Clone(res.Settings)
	if settings == nil {
		settings = map[string]string{}
	}
	return SessionInfo{
		IdentityEndpoint: a.IdentityEndpoint(),
		IdentityHeader:   header,
		AppID:            res.ID,
		AppName:          res.Name,
		AppSettings:      settings,
	}, revoke, nil
}
