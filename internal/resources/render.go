package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/lanyardhq/lanyard/internal/store"
)

// resourceJSON is ARM's tracked-resource body.
type resourceJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Kind       string            `json:"kind,omitempty"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	SKU        json.RawMessage   `json:"sku,omitempty"`
	Identity   *identityJSON     `json:"identity,omitempty"`
	Properties any               `json:"properties"`
}

type identityJSON struct {
	Type                   string            `json:"type"`
	PrincipalID            string            `json:"principalId,omitempty"`
	TenantID               string            `json:"tenantId,omitempty"`
	UserAssignedIdentities map[string]uaiRef `json:"userAssignedIdentities,omitempty"`
}

type uaiRef struct {
	PrincipalID string `json:"principalId"`
	ClientID    string `json:"clientId"`
}

func tagsOf(r store.Resource) map[string]string {
	if r.Tags == nil {
		return map[string]string{}
	}
	return r.Tags
}

// renderIdentity derives the identity block from the principals and
// attachments; nothing of it is stored on the resource itself.
func (h *Handler) renderIdentity(ctx context.Context, tx store.Tx, res store.Resource) (*identityJSON, error) {
	var out identityJSON
	if res.SystemAssigned {
		p, err := tx.GetPrincipalByResourceID(ctx, res.ID)
		if err != nil {
			return nil, fmt.Errorf("system-assigned identity of %s: %w", res.ID, err)
		}
		out.Type, out.PrincipalID, out.TenantID = store.SystemAssigned, p.ID, h.cfg.TenantID
	}
	ids, err := tx.AttachedIdentities(ctx, res.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("attached identities of %s: %w", res.ID, err)
	}
	if len(ids) > 0 {
		sort.Strings(ids)
		out.UserAssignedIdentities = make(map[string]uaiRef, len(ids))
		for _, id := range ids {
			p, err := tx.GetPrincipalByResourceID(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("principal of attached identity %s: %w", id, err)
			}
			out.UserAssignedIdentities[id] = uaiRef{PrincipalID: p.ID, ClientID: p.ClientID}
		}
		if out.Type == "" {
			out.Type = store.UserAssigned
		} else {
			out.Type = "SystemAssigned, UserAssigned"
		}
	}
	if out.Type == "" {
		return nil, nil
	}
	return &out, nil
}

// render builds the response body for a tracked resource.
func (h *Handler) render(ctx context.Context, tx store.Tx, k *kind, res store.Resource) (resourceJSON, error) {
	out := resourceJSON{ID: res.ID, Name: res.Name, Type: k.typ, Location: res.Location, Tags: tagsOf(res)}
	if k.identity {
		id, err := h.renderIdentity(ctx, tx, res)
		if err != nil {
			return out, err
		}
		out.Identity = id
	}
	if err := k.render(h, ctx, tx, res, &out); err != nil {
		return out, fmt.Errorf("render %s: %w", res.ID, err)
	}
	return out, nil
}
