package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/lanyardhq/lanyard/internal/store"
)

const typeVM = "Microsoft.Compute/virtualMachines"

// hostRef is an app's requested placement: set says the request chose a
// host (PUT always does; PATCH only when it names properties.hostId), id ""
// means none.
type hostRef struct {
	set bool
	id  string
}

func parseHost(raw json.RawMessage, patch bool) (hostRef, error) {
	m, err := objectProps(raw)
	if err != nil {
		return hostRef{}, err
	}
	v, ok := m["hostId"]
	if !ok {
		return hostRef{set: !patch}, nil
	}
	if isNull(v) {
		return hostRef{set: true}, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return hostRef{}, arm.BadRequest("InvalidRequestContent", "The 'properties.hostId' value must be a string.")
	}
	if s == "" {
		return hostRef{set: true}, nil
	}
	id, err := scope.Parse(s)
	if err != nil || id.ResourceGroup == "" || len(id.Segments) != 1 || !strings.EqualFold(id.Type(), typeVM) {
		return hostRef{}, arm.BadRequest("LinkedInvalidPropertyId",
			"Property id '%s' at path 'properties.hostId' is invalid. Expect the resource ID of a %s resource.", s, typeVM)
	}
	return hostRef{set: true, id: id.String()}, nil
}

// resolveHost returns the stored host ID: the VM's ID as stored when the
// request names one (which must exist), else current.
func resolveHost(ctx context.Context, tx store.Tx, ref hostRef, current string) (string, error) {
	if !ref.set {
		return current, nil
	}
	if ref.id == "" {
		return "", nil
	}
	vm, err := tx.GetResource(ctx, ref.id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !strings.EqualFold(vm.Type, typeVM)) {
		return "", arm.BadRequest("LinkedResourceNotFound", "The host '%s' referenced by 'properties.hostId' was not found.", ref.id)
	}
	if err != nil {
		return "", fmt.Errorf("get host %s: %w", ref.id, err)
	}
	return vm.ID, nil
}
