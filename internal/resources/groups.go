package resources

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

var groupVersions = []string{"2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01"}

type groupJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

type groupBody struct {
	Location *string           `json:"location"`
	Tags     map[string]string `json:"tags"`
}

func (h *Handler) registerGroups(rt *arm.Router) {
	rt.Handle(http.MethodGet, typeGroups, groupVersions, h.getGroup)
	rt.Handle(http.MethodPut, typeGroups, groupVersions, func(w http.ResponseWriter, r *arm.Request) { h.writeGroup(w, r, false) })
	rt.Handle(http.MethodPatch, typeGroups, groupVersions, func(w http.ResponseWriter, r *arm.Request) { h.writeGroup(w, r, true) })
	rt.Handle(http.MethodDelete, typeGroups, groupVersions, h.deleteGroup)
	rt.HandleCollection(http.MethodGet, typeGroups, groupVersions, h.listGroups)
}

func renderGroup(g store.Resource) groupJSON {
	out := groupJSON{ID: g.ID, Name: g.Name, Type: typeGroups, Location: g.Location, Tags: tagsOf(g)}
	out.Properties.ProvisioningState = "Succeeded"
	return out
}

// checkGroupPath rejects IDs of the group type that are not
// /subscriptions/{s}/resourceGroups/{g}.
func checkGroupPath(r *arm.Request) error {
	if r.ID.Subscription == "" || r.ID.ResourceGroup == "" || len(r.ID.Segments) > 0 {
		return invalidID("A resource group's ID is /subscriptions/{subscriptionId}/resourceGroups/{name}.")
	}
	return checkName(typeGroups, r.ID.ResourceGroup, genericName)
}

// authorizeGroup checks the path and verb ("read", "write", "delete").
func (h *Handler) authorizeGroup(r *arm.Request, verb string) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	if err := checkGroupPath(r); err != nil {
		return err
	}
	return h.authorize(r.Context(), c, actionTypeOfGroups+"/"+verb, r.ID.String())
}

func (h *Handler) getGroup(w http.ResponseWriter, r *arm.Request) {
	err := h.authorizeGroup(r, "read")
	var g store.Resource
	if err == nil {
		g, err = parentGroup(r.Context(), h.cfg.Store, r.ID.Subscription, r.ID.ResourceGroup)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, renderGroup(g))
}

func (h *Handler) listGroups(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil && (r.ID.Subscription == "" || r.ID.ResourceGroup != "" || len(r.ID.Segments) > 0) {
		err = invalidID("Resource groups are listed at /subscriptions/{subscriptionId}/resourcegroups.")
	}
	if err == nil {
		_, err = getSubscription(ctx, h.cfg.Store, r.ID.Subscription)
	}
	var all []store.Resource
	if err == nil {
		all, err = h.cfg.Store.ListResources(ctx, store.ResourceFilter{SubscriptionID: r.ID.Subscription, Type: typeGroups})
	}
	out := list[groupJSON]{Value: []groupJSON{}}
	for _, g := range all {
		if err != nil {
			break
		}
		var ok bool
		if ok, err = h.canRead(ctx, c, typeGroups, g.ID); ok {
			out.Value = append(out.Value, renderGroup(g))
		}
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

// writeGroup is PUT (create, or replace tags) and PATCH (tags if given).
func (h *Handler) writeGroup(w http.ResponseWriter, r *arm.Request, patch bool) {
	ctx := r.Context()
	err := h.authorizeGroup(r, "write")
	var in groupBody
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &in)
	}
	var loc string
	if err == nil && !patch {
		loc, err = checkLocation(in.Location)
	}
	if err == nil {
		err = checkTags(in.Tags)
	}
	var out store.Resource
	created := false
	if err == nil {
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			sub, err := getSubscription(ctx, tx, r.ID.Subscription)
			if err != nil {
				return err
			}
			cur, err := tx.GetResource(ctx, groupID(sub.Name, r.ID.ResourceGroup))
			created = errors.Is(err, store.ErrNotFound)
			switch {
			case created && patch:
				return groupNotFound(r.ID.ResourceGroup)
			case created:
				now := h.now()
				out = store.Resource{ID: groupID(sub.Name, r.ID.ResourceGroup), Type: typeGroups, SubscriptionID: sub.Name,
					ResourceGroup: r.ID.ResourceGroup, Name: r.ID.ResourceGroup, Location: loc, Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
				return tx.CreateResource(ctx, out)
			case err != nil:
				return fmt.Errorf("get group: %w", err)
			case !patch && !sameLocation(cur.Location, loc):
				return arm.Errorf(http.StatusConflict, "InvalidResourceGroupLocation",
					"Invalid resource group location '%s'. The Resource group already exists in location '%s'.", loc, cur.Location)
			}
			out = cur
			if !patch || in.Tags != nil {
				out.Tags = in.Tags
			}
			out.UpdatedAt = h.now()
			return tx.UpdateResource(ctx, cur.ID, func(store.Resource) (store.Resource, error) { return out, nil })
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	writePut(w, created, renderGroup(out))
}

func (h *Handler) deleteGroup(w http.ResponseWriter, r *arm.Request) {
	if err := h.authorizeGroup(r, "delete"); err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.deleteByID(w, r, groupID(r.ID.Subscription, r.ID.ResourceGroup))
}
