package resources

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/store"
)

// deleteTree deletes root and everything below it inside tx, leaving no
// principal, attachment or role assignment that refers to a deleted
// resource:
//   - each deleted resource's own managed identity (system-assigned, or a
//     user-assigned identity's principal) with its role assignments;
//   - a deleted user-assigned identity's attachments to resources anywhere,
//     including outside root (Azure leaves these dangling; Lanyard does not);
//   - apps placed on a deleted VM lose their placement, so that a VM
//     re-created later under the same ID does not inherit them;
//   - a deleted VM's host enrolment (store.Host) goes, so its agent's
//     certificate and any pending join token stop working at once;
//   - every role assignment at or below root's scope;
//   - the rows (store.DeleteResource removes root and its nested children).
func deleteTree(ctx context.Context, tx store.Tx, root store.Resource) error {
	below, err := tx.ListResources(ctx, store.ResourceFilter{Under: root.ID})
	if err != nil {
		return fmt.Errorf("list resources under %s: %w", root.ID, err)
	}
	for _, r := range append([]store.Resource{root}, below...) {
		if err := releaseResource(ctx, tx, r); err != nil {
			return err
		}
	}
	if _, err := tx.DeleteAssignments(ctx, store.AssignmentFilter{Under: root.ID}); err != nil {
		return fmt.Errorf("delete assignments under %s: %w", root.ID, err)
	}
	if err := tx.DeleteResource(ctx, root.ID); err != nil {
		return fmt.Errorf("delete %s: %w", root.ID, err)
	}
	return nil
}

// releaseResource undoes what r owns outside its own row.
func releaseResource(ctx context.Context, tx store.Tx, r store.Resource) error {
	switch {
	case strings.EqualFold(r.Type, typeUAI):
		users, err := tx.ResourcesUsingIdentity(ctx, r.ID)
		if err != nil {
			return fmt.Errorf("resources using %s: %w", r.ID, err)
		}
		for _, u := range users {
			if err := tx.DetachIdentity(ctx, u, r.ID); err != nil {
				return fmt.Errorf("detach %s from %s: %w", r.ID, u, err)
			}
		}
		return deleteOwnedPrincipal(ctx, tx, r.ID)
	case strings.EqualFold(r.Type, typeVM):
		if err := unplace(ctx, tx, r.ID); err != nil {
			return err
		}
		if err := tx.DeleteHost(ctx, r.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("delete host enrolment of %s: %w", r.ID, err)
		}
	}
	// Looked up whatever r.SystemAssigned says, so that no identity can
	// outlive its resource even if the flag and the principal disagree.
	return deleteOwnedPrincipal(ctx, tx, r.ID)
}

// unplace clears the host of every app placed on vm.
func unplace(ctx context.Context, tx store.Tx, vm string) error {
	sites, err := tx.ListResources(ctx, store.ResourceFilter{Type: typeSites})
	if err != nil {
		return fmt.Errorf("list apps: %w", err)
	}
	for _, s := range sites {
		if !strings.EqualFold(s.Host, vm) {
			continue
		}
		err := tx.UpdateResource(ctx, s.ID, func(cur store.Resource) (store.Resource, error) {
			cur.Host = ""
			return cur, nil
		})
		if err != nil {
			return fmt.Errorf("unplace %s from %s: %w", s.ID, vm, err)
		}
	}
	return nil
}
