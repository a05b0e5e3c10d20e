package resources

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/authn"
	"github.com/lanyardhq/lanyard/internal/store"
)

// newGUID returns a random lower-case GUID (version 4), the form of every
// object and client ID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func currentIdentity(ctx context.Context, tx store.Tx, res store.Resource) (identityState, error) {
	st := identityState{system: res.SystemAssigned, uais: map[string]string{}}
	ids, err := tx.AttachedIdentities(ctx, res.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return st, fmt.Errorf("attached identities of %s: %w", res.ID, err)
	}
	for _, id := range ids {
		st.uais[strings.ToLower(id)] = id
	}
	return st, nil
}

// authorizeNewUAIs checks assign/action on every identity the request would
// attach that is not attached already. It runs before the transaction (the
// RBAC index is not part of the store); applyIdentity re-checks any identity
// that became "new" in between.
func (h *Handler) authorizeNewUAIs(ctx context.Context, c authn.Caller, resourceID string, req identityRequest) (map[string]bool, error) {
	ok := map[string]bool{}
	if len(req.entries) == 0 {
		return ok, nil
	}
	attached, err := h.cfg.Store.AttachedIdentities(ctx, resourceID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("attached identities of %s: %w", resourceID, err)
	}
	have := map[string]bool{}
	for _, id := range attached {
		have[strings.ToLower(id)] = true
	}
	for _, k := range req.order {
		id := req.entries[k]
		if id == "" || have[k] {
			continue
		}
		if err := h.authorize(ctx, c, actionAssign, id); err != nil {
			return nil, err
		}
		ok[k] = true
	}
	return ok, nil
}

// applyIdentity moves res (already written with SystemAssigned = next.system)
// from cur to next inside tx: it creates or deletes the system-assigned
// principal and attaches or detaches user-assigned identities.
func (h *Handler) applyIdentity(ctx context.Context, tx store.Tx, c authn.Caller, res store.Resource, cur, next identityState, authorized map[string]bool) error {
	switch {
	case next.system && !cur.system:
		p := store.Principal{
			ID: newGUID(), ClientID: newGUID(), Kind: store.KindManagedIdentity,
			IdentityType: store.SystemAssigned, ResourceID: res.ID, DisplayName: res.Name, CreatedAt: h.now(),
		}
		if err := tx.CreatePrincipal(ctx, p); err != nil {
			return fmt.Errorf("create system-assigned identity of %s: %w", res.ID, err)
		}
	case !next.system && cur.system:
		if err := deleteOwnedPrincipal(ctx, tx, res.ID); err != nil {
			return err
		}
	}
	for k, id := range cur.uais {
		if _, keep := next.uais[k]; !keep {
			if err := tx.DetachIdentity(ctx, res.ID, id); err != nil {
				return fmt.Errorf("detach %s from %s: %w", id, res.ID, err)
			}
		}
	}
	for k, id := range next.uais {
		if _, had := cur.uais[k]; had {
			continue
		}
		uai, err := tx.GetResource(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !strings.EqualFold(uai.Type, typeUAI)) {
			return uaiNotFound(res.ID, id)
		}
		if err != nil {
			return fmt.Errorf("get identity %s: %w", id, err)
		}
		if !authorized[k] {
			if err := h.authorize(ctx, c, actionAssign, id); err != nil {
				return err
			}
		}
		if err := tx.AttachIdentity(ctx, res.ID, uai.ID); err != nil {
			return fmt.Errorf("attach %s to %s: %w", uai.ID, res.ID, err)
		}
	}
	return nil
}

// uaiNotFound is ARM's answer when a request names a missing identity.
func uaiNotFound(resourceID, uaiID string) error {
	return arm.Errorf(http.StatusBadRequest, "FailedIdentityOperation",
		`Identity operation for resource '%s' failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: '{"error":{"code":"NotFound","message":"Resource '%s' was not found."}}'.'`,
		resourceID, uaiID)
}

// deleteOwnedPrincipal deletes the managed identity whose ResourceID is id
// (a resource's system-assigned identity, or a user-assigned identity's
// principal) with its role assignments; absent is fine.
func deleteOwnedPrincipal(ctx context.Context, tx store.Tx, id string) error {
	p, err := tx.GetPrincipalByResourceID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("identity of %s: %w", id, err)
	}
	if _, err := tx.DeleteAssignments(ctx, store.AssignmentFilter{PrincipalID: p.ID}); err != nil {
		return fmt.Errorf("delete assignments of %s: %w", p.ID, err)
	}
	if err := tx.DeletePrincipal(ctx, p.ID); err != nil {
		return fmt.Errorf("delete principal %s: %w", p.ID, err)
	}
	return nil
}
