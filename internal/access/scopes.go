package access

import (
	"context"
	"errors"
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

// checkScope reports whether a role can be assigned at id: the root, an
// existing subscription, group or resource, or a data scope nested below an
// existing resource (".../storageAccounts/a/blobServices/default/containers/c"
// when account a exists; containers are data, not ARM resources, in Lanyard).
// Extension resources are never scopes unless stored. Otherwise it returns
// ARM's 404 for the first missing level.
func (h *Handler) checkScope(ctx context.Context, id scope.ID) error {
	if id.IsRoot() {
		return nil
	}
	for cur := id; ; {
		_, err := h.store.GetResource(ctx, cur.String())
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		n := len(cur.Segments)
		if n < 2 || cur.Segments[n-1].Extension {
			return h.missing(ctx, id)
		}
		cur, _ = cur.Parent()
	}
}

// missing builds the 404 ARM returns for id, naming the outermost level
// that does not exist.
func (h *Handler) missing(ctx context.Context, id scope.ID) error {
	if id.Subscription != "" {
		if _, err := h.store.GetResource(ctx, "/subscriptions/"+id.Subscription); err != nil {
			return arm.Errorf(http.StatusNotFound, "SubscriptionNotFound", "The subscription '%s' could not be found.", id.Subscription)
		}
	}
	if id.ResourceGroup != "" {
		g := scope.ID{Subscription: id.Subscription, ResourceGroup: id.ResourceGroup}
		if _, err := h.store.GetResource(ctx, g.String()); err != nil {
			return arm.Errorf(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", id.ResourceGroup)
		}
	}
	return arm.Errorf(http.StatusNotFound, "ResourceNotFound", "The Resource '%s/%s' under resource group '%s' was not found.",
		id.Type(), id.Name(), id.ResourceGroup)
}

// extensionScope returns the scope an item route's ID is attached to.
func extensionScope(id scope.ID) (scope.ID, string, error) {
	s, ext, ok := id.Extension()
	if !ok {
		return scope.ID{}, "", arm.BadRequest("InvalidResourceId", "The resource ID '%s' is not an extension resource ID.", id.String())
	}
	return s, ext.Name, nil
}
