package msi

import (
	"context"
	"errors"

	"github.com/lanyardhq/lanyard/internal/fabric"
	"github.com/lanyardhq/lanyard/internal/store"
	"github.com/lanyardhq/lanyard/internal/tokens"
)

// Token implements fabric.Fabric. Authorization (placement, attachment,
// disabled identity) is decided on every call before the cache is looked
// at, so a detached or disabled identity stops getting tokens at once even
// though tokens already issued stay valid until they expire (as in Azure).
func (f *hostFabric) Token(ctx context.Context, req fabric.TokenRequest) (fabric.Token, error) {
	id, sel, ferr := checkRequest(req)
	if ferr != nil {
		return fabric.Token{}, ferr
	}
	res, ferr := f.owner(ctx, id, req.Resource)
	if ferr != nil {
		return fabric.Token{}, ferr
	}
	p, ferr := f.identity(ctx, res, sel)
	if ferr != nil {
		return fabric.Token{}, ferr
	}
	s := f.s
	mint := func() (fabric.Token, error) { return s.mint(p, req.Audience) }
	var tok fabric.Token
	var err error
	if s.noCache {
		tok, err = mint()
	} else {
		tok, err = s.cache.get(ctx, cacheKey{principal: p.ID, audience: req.Audience}, s.cfg.Now, mint)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fabric.Token{}, err
		}
		return fabric.Token{}, s.serverError("issue the token", err)
	}
	return tok, nil
}

// mint signs a token for managed identity p, with Entra's claims for an app
// and xms_mirid naming the identity's resource.
func (s *Service) mint(p store.Principal, audience string) (fabric.Token, error) {
	c := tokens.Claims{
		Audience:                  audience,
		ObjectID:                  p.ID,
		Subject:                   p.ID,
		AppID:                     p.ClientID,
		AuthorizedParty:           p.ClientID,
		IdentityType:              tokens.IdentityApp,
		AppDisplayName:            p.DisplayName,
		ManagedIdentityResourceID: p.ResourceID,
	}
	raw, exp, err := s.cfg.Issuer.Mint(c, s.cfg.Lifetime)
	if err != nil {
		return fabric.Token{}, err
	}
	return fabric.Token{
		AccessToken: raw, NotBefore: exp.Add(-s.cfg.Lifetime), ExpiresOn: exp, Audience: audience,
		ClientID: p.ClientID, PrincipalID: p.ID, MIResourceID: p.ResourceID,
	}, nil
}
