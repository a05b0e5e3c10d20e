package resources

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

func (h *Handler) getResource(w http.ResponseWriter, r *arm.Request, k *kind) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkTracked(r, k)
	}
	if err == nil {
		err = h.authorize(ctx, c, k.typ+"/read", r.ID.String())
	}
	var out resourceJSON
	if err == nil {
		err = func() error {
			tx := h.cfg.Store
			res, err := tx.GetResource(ctx, r.ID.String())
			if errors.Is(err, store.ErrNotFound) {
				if _, err := parentGroup(ctx, tx, r.ID.Subscription, r.ID.ResourceGroup); err != nil {
					return err
				}
				return resourceNotFound(k.typ, r.ID.Name(), r.ID.ResourceGroup)
			}
			if err != nil {
				return fmt.Errorf("get %s: %w", r.ID, err)
			}
			out, err = h.render(ctx, tx, k, res)
			return err
		}()
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

// listResources answers GET {subscription or group}/providers/{type} with
// the resources the caller may read.
func (h *Handler) listResources(w http.ResponseWriter, r *arm.Request, k *kind) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil && (r.ID.Subscription == "" || len(r.ID.Segments) > 0) {
		err = invalidID("Resources of type '%s' are listed per subscription or resource group.", k.typ)
	}
	out := list[resourceJSON]{Value: []resourceJSON{}}
	if err == nil {
		err = func() error {
			tx := h.cfg.Store
			if r.ID.ResourceGroup != "" {
				if _, err := parentGroup(ctx, tx, r.ID.Subscription, r.ID.ResourceGroup); err != nil {
					return err
				}
			} else if _, err := getSubscription(ctx, tx, r.ID.Subscription); err != nil {
				return err
			}
			all, err := tx.ListResources(ctx, store.ResourceFilter{SubscriptionID: r.ID.Subscription, ResourceGroup: r.ID.ResourceGroup, Type: k.typ})
			if err != nil {
				return fmt.Errorf("list %s: %w", k.typ, err)
			}
			for _, res := range all {
				if ok, err := h.canRead(ctx, c, k.typ, res.ID); err != nil {
					return err
				} else if !ok {
					continue
				}
				j, err := h.render(ctx, tx, k, res)
				if err != nil {
					return err
				}
				out.Value = append(out.Value, j)
			}
			return nil
		}()
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) deleteResource(w http.ResponseWriter, r *arm.Request, k *kind) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkTracked(r, k)
	}
	if err == nil {
		err = h.authorize(ctx, c, k.typ+"/delete", r.ID.String())
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	h.deleteByID(w, r, r.ID.String())
}

// deleteByID deletes the resource at id with everything it owns and
// answers 200, or 204 when there was nothing to delete.
func (h *Handler) deleteByID(w http.ResponseWriter, r *arm.Request, id string) {
	ctx := r.Context()
	found := false
	err := h.cfg.Store.Update(ctx, func(tx store.Tx) error {
		res, err := tx.GetResource(ctx, id)
		found = err == nil
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", id, err)
		}
		return deleteTree(ctx, tx, res)
	})
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	if !found {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.sync(ctx)
	w.WriteHeader(http.StatusOK)
}
