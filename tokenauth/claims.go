package tokenauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Principal is the verified caller: the claims of its access token, named
// as Entra names them.
type Principal struct {
	ObjectID          string // oid: the principal Lanyard RBAC knows
	TenantID          string // tid
	Subject           string // sub
	AppID             string // appid, else azp: the client that asked for the token
	IdentityType      string // idtyp: "app" or "user"
	Name              string // name
	PreferredUsername string // preferred_username, else upn
	Roles             []string
	Scopes            []string // scp, split on spaces
	// ManagedIdentityResourceID (xms_mirid) is set on managed-identity tokens.
	ManagedIdentityResourceID string
	Audience                  string
	Issuer                    string
	Expires                   time.Time
}

// audience is aud as a string or an array of strings (RFC 7519 §4.1.3).
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

type claims struct {
	Iss   string      `json:"iss"`
	Aud   audience    `json:"aud"`
	Exp   json.Number `json:"exp"`
	Nbf   json.Number `json:"nbf"`
	Oid   string      `json:"oid"`
	Tid   string      `json:"tid"`
	Sub   string      `json:"sub"`
	AppID string      `json:"appid"`
	Azp   string      `json:"azp"`
	Idtyp string      `json:"idtyp"`
	Name  string      `json:"name"`
	PUN   string      `json:"preferred_username"`
	UPN   string      `json:"upn"`
	Roles []string    `json:"roles"`
	Scp   string      `json:"scp"`
	Mirid string      `json:"xms_mirid"`

	exp time.Time
}

// checkClaims checks iss exactly, aud against Options.Audiences (one
// trailing slash ignored on either side), and exp/nbf with the skew.
func (a *Authenticator) checkClaims(c *claims) error {
	if c.Iss != a.opts.Issuer {
		return invalid("the token's issuer is not accepted", fmt.Errorf("iss %q", c.Iss))
	}
	if !a.audienceOK(c.Aud) {
		return invalid("the token's audience is not accepted", fmt.Errorf("aud %q", []string(c.Aud)))
	}
	now := a.opts.Now()
	exp, err := numericDate(c.Exp)
	if err != nil || c.Exp == "" {
		return invalid("the token has no valid expiry", err)
	}
	if !now.Before(exp.Add(a.opts.Skew)) {
		return invalid("the token has expired", fmt.Errorf("exp %s, now %s", exp.UTC(), now.UTC()))
	}
	if c.Nbf != "" {
		nbf, err := numericDate(c.Nbf)
		if err != nil {
			return invalid("the token has an invalid nbf", err)
		}
		if now.Add(a.opts.Skew).Before(nbf) {
			return invalid("the token is not valid yet", fmt.Errorf("nbf %s, now %s", nbf.UTC(), now.UTC()))
		}
	}
	if c.Oid == "" {
		return invalid("the token has no oid claim", nil)
	}
	c.exp = exp
	return nil
}

func (a *Authenticator) audienceOK(auds audience) bool {
	for _, got := range auds {
		got = strings.TrimSuffix(got, "/")
		if got == "" {
			continue
		}
		for _, want := range a.opts.Audiences {
			if strings.TrimSuffix(want, "/") == got {
				return true
			}
		}
	}
	return false
}

func numericDate(n json.Number) (time.Time, error) {
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return time.Time{}, fmt.Errorf("bad NumericDate %q", string(n))
	}
	return time.Unix(int64(f), 0), nil
}

func (c *claims) principal() *Principal {
	p := &Principal{
		ObjectID: c.Oid, TenantID: c.Tid, Subject: c.Sub, AppID: c.AppID, IdentityType: c.Idtyp,
		Name: c.Name, PreferredUsername: c.PUN, Roles: c.Roles, Scopes: strings.Fields(c.Scp),
		ManagedIdentityResourceID: c.Mirid, Issuer: c.Iss, Expires: c.exp,
	}
	if p.AppID == "" {
		p.AppID = c.Azp
	}
	if p.PreferredUsername == "" {
		p.PreferredUsername = c.UPN
	}
	if len(c.Aud) > 0 {
		p.Audience = c.Aud[0]
	}
	return p
}
