package credential

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// checkIMDS probes IMDS when enabled (in a chain), until one probe
// succeeds: a failure is not remembered, so a VM whose network came up late
// is found on the next call.
func (m *ManagedIdentityCredential) checkIMDS(ctx context.Context) error {
	if !m.probe || m.appService != "" {
		return nil
	}
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	if m.probed {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, m.probeTimeout)
	defer cancel()
	conn, err := dialIMDS(pctx, imdsAddr)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the caller gave up: decide next time
		}
		return &UnavailableError{Credential: miName,
			Reason: "no IDENTITY_ENDPOINT/IDENTITY_HEADER, and IMDS at 169.254.169.254 did not accept a connection within " + m.probeTimeout.String(),
			Fix:    "off Azure, run the app under `lanyard run --app NAME` (or `--as-me`); on a VM, check that an identity is assigned",
			Err:    err}
	}
	conn.Close()
	m.probed = true
	return nil
}

// imdsMeansUnavailable follows azidentity (PROTOCOLS §1.7): a 400 for the
// system-assigned identity means none is assigned, and a 403 mentioning
// "unreachable" is Docker Desktop's proxy answering for a missing IMDS.
func imdsMeansUnavailable(e *AuthenticationError, idKind string) bool {
	return (e.StatusCode == http.StatusBadRequest && idKind == "") ||
		(e.StatusCode == http.StatusForbidden && strings.Contains(e.Message, "unreachable"))
}

func (m *ManagedIdentityCredential) imdsRequest(ctx context.Context, resource string) (*http.Request, error) {
	q := url.Values{"api-version": {imdsAPIVersion}, "resource": {resource}}
	if m.idKind == "mi_res_id" {
		q.Set("msi_res_id", m.idValue) // IMDS spells it differently
	} else if m.idKind != "" {
		q.Set(m.idKind, m.idValue)
	}
	host := strings.TrimSuffix(imdsAddr, ":80")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+imdsPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Metadata", "true")
	return req, nil
}
