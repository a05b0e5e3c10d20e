package sqlstore

import (
	"context"
	"fmt"
)

// AttachIdentity requires both resources to exist (ErrNotFound otherwise);
// attaching twice is a no-op.
func (o *ops) AttachIdentity(ctx context.Context, id, identityID string) error {
	if _, err := o.GetResource(ctx, id); err != nil {
		return err
	}
	if _, err := o.GetResource(ctx, identityID); err != nil {
		return err
	}
	_, err := o.exec(ctx, `INSERT INTO attachments (resource_key, identity_key) VALUES (?, ?)
		ON CONFLICT (resource_key, identity_key) DO NOTHING`, resKey(id), resKey(identityID))
	if err != nil {
		return o.fail("attach identity", err)
	}
	return nil
}

func (o *ops) DetachIdentity(ctx context.Context, id, identityID string) error {
	res, err := o.exec(ctx, `DELETE FROM attachments WHERE resource_key = ? AND identity_key = ?`,
		resKey(id), resKey(identityID))
	if err != nil {
		return o.fail("detach identity", err)
	}
	return mustAffect(res, fmt.Sprintf("identity %q on %q", identityID, id))
}

// AttachedIdentities lists, in the case they were created with, the
// identity resources attached to id (empty if none or id is unknown).
func (o *ops) AttachedIdentities(ctx context.Context, id string) ([]string, error) {
	out, err := scanAll(ctx, o, scanString, `SELECT r.id FROM attachments a
		JOIN resources r ON r.id_key = a.identity_key WHERE a.resource_key = ? ORDER BY r.id_key`, resKey(id))
	if err != nil {
		return nil, o.fail("attached identities", err)
	}
	return out, nil
}

func (o *ops) ResourcesUsingIdentity(ctx context.Context, identityID string) ([]string, error) {
	out, err := scanAll(ctx, o, scanString, `SELECT r.id FROM attachments a
		JOIN resources r ON r.id_key = a.resource_key WHERE a.identity_key = ? ORDER BY r.id_key`, resKey(identityID))
	if err != nil {
		return nil, o.fail("resources using identity", err)
	}
	return out, nil
}
