package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

// identityState is a resource's identity block reduced to what assign and
// remove change: system-assigned on/off and the set of user-assigned IDs,
// keyed case-insensitively as ARM compares them.
type identityState struct {
	system bool
	user   map[string]string // key → ID as the server spelled it
}

func readIdentity(site map[string]any) identityState {
	st := identityState{user: map[string]string{}}
	ident, _ := site["identity"].(map[string]any)
	typ, _ := ident["type"].(string)
	st.system = strings.Contains(strings.ToLower(typ), "systemassigned")
	uai, _ := ident["userAssignedIdentities"].(map[string]any)
	for id := range uai {
		st.user[idKey(id)] = id
	}
	return st
}

func idKey(id string) string {
	if k, err := scope.KeyOf(id); err == nil {
		return k
	}
	return strings.ToLower(id)
}

func (st identityState) typeName() string {
	switch {
	case st.system && len(st.user) > 0:
		return "SystemAssigned, UserAssigned"
	case st.system:
		return "SystemAssigned"
	case len(st.user) > 0:
		return "UserAssigned"
	}
	return "None"
}

// patchBody is the PATCH identity block that turns old into st: every wanted
// user-assigned identity as {} and every dropped one as null, which gives the
// same result whether the server merges or replaces the map.
func (st identityState) patchBody(old identityState) map[string]any {
	ident := map[string]any{"type": st.typeName()}
	if len(st.user) > 0 {
		m := map[string]any{}
		for _, id := range st.user {
			m[id] = map[string]any{}
		}
		for k, id := range old.user {
			if _, keep := st.user[k]; !keep {
				m[id] = nil
			}
		}
		ident["userAssignedIdentities"] = m
	}
	return map[string]any{"identity": ident}
}

// identityRef resolves one --identities value: "[system]", a resource ID of
// a user-assigned identity, or the name of one in group.
func (c *client) identityRef(group, ref string) (system bool, id string, err error) {
	if strings.EqualFold(ref, "[system]") {
		return true, "", nil
	}
	if !strings.HasPrefix(ref, "/") {
		id, err := c.id(identityType, group, ref)
		return false, id, err
	}
	parsed, err := parseID("--identities", ref)
	if err != nil {
		return false, "", err
	}
	if !strings.EqualFold(parsed.Type(), identityType.provider) {
		return false, "", fmt.Errorf("%q is a %s, not a user-assigned identity", ref, parsed.Type())
	}
	return false, parsed.String(), nil
}

// newIdentityAssignCommand is `app identity` and `host identity` (az's
// `webapp identity` and `vm identity`).
func newIdentityAssignCommand(a *app, t armType) *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Manage a " + t.noun + "'s managed identities"}
	cmd.AddCommand(identityChange(a, t, "assign", true), identityChange(a, t, "remove", false))
	return cmd
}

// identityChange builds assign (add=true) and remove: read the resource,
// compute its new identity block, PATCH it back, print the block.
func identityChange(a *app, t armType, use string, add bool) *cobra.Command {
	var gn groupName
	var system bool
	var refs []string
	short := "Assign managed identities to a " + t.noun + " (system-assigned when none are named)"
	if !add {
		short = "Remove managed identities from a " + t.noun + " (system-assigned when none are named)"
	}
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.ArbitraryArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			id, err := c.id(t, gn.group, gn.name)
			if err != nil {
				return err
			}
			var site map[string]any
			if err := c.call(ctx, http.MethodGet, id, apiVersion(t.api), nil, &site); err != nil {
				return err
			}
			old := readIdentity(site)
			next := identityState{system: old.system, user: map[string]string{}}
			for k, v := range old.user {
				next.user[k] = v
			}
			refs := append(slices.Clone(refs), cmd.Flags().Args()...) // az: --identities a b
			wantSystem := system || len(refs) == 0
			for _, r := range refs {
				sys, uid, err := c.identityRef(gn.group, r)
				if err != nil {
					return err
				}
				if sys {
					wantSystem = true
					continue
				}
				k := idKey(uid)
				if add {
					next.user[k] = uid
				} else if _, ok := next.user[k]; !ok {
					return fmt.Errorf("identity %q is not assigned to %s %q", r, t.noun, gn.name)
				} else {
					delete(next.user, k)
				}
			}
			if wantSystem {
				next.system = add
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodPatch, id, apiVersion(t.api), next.patchBody(old), &out); err != nil {
				return err
			}
			ident, ok := out["identity"]
			if !ok {
				return errors.New("the server's answer has no identity block")
			}
			return a.print(cmd.OutOrStdout(), ident, cols("PrincipalId=principalId", "TenantId=tenantId", "Type=type"))
		})}
	gn.bind(cmd, true)
	cmd.Flags().BoolVar(&system, "system-assigned", false, "the system-assigned identity")
	cmd.Flags().StringArrayVar(&refs, "identities", nil, "user-assigned identities: names in the same group or resource IDs ([system] for the system-assigned one)")
	return cmd
}
