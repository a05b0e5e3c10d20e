package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lanyardhq/lanyard/internal/store"
)

const resourceCols = `id, type, subscription_id, resource_group, name, location, tags,
	properties, system_assigned, host, created_at, updated_at`

func scanResource(r scanner) (store.Resource, error) {
	var res store.Resource
	var tags, props sql.NullString
	var sys int64
	var created, updated string
	err := r.Scan(&res.ID, &res.Type, &res.SubscriptionID, &res.ResourceGroup, &res.Name,
		&res.Location, &tags, &props, &sys, &res.Host, &created, &updated)
	if err != nil {
		return res, err
	}
	if tags.Valid {
		if err := decJSON(tags.String, &res.Tags); err != nil {
			return res, err
		}
	}
	if props.Valid {
		res.Properties = json.RawMessage(props.String)
	}
	res.SystemAssigned = sys != 0
	if res.CreatedAt, err = decTime(created); err != nil {
		return res, err
	}
	res.UpdatedAt, err = decTime(updated)
	return res, err
}

// resourceArgs are r's columns after id_key and id, in table order.
func resourceArgs(r store.Resource) ([]any, error) {
	var tags any
	if r.Tags != nil {
		s, err := encJSON(r.Tags)
		if err != nil {
			return nil, err
		}
		tags = s
	}
	return []any{r.Type, key(r.Type), r.SubscriptionID, key(r.SubscriptionID),
		r.ResourceGroup, key(r.ResourceGroup), r.Name, key(r.Name), r.Location, tags, rawOrNull(r.Properties),
		b2i(r.SystemAssigned), r.Host, encTime(r.CreatedAt), encTime(r.UpdatedAt)}, nil
}

func (o *ops) CreateResource(ctx context.Context, r store.Resource) error {
	if r.ID == "" {
		return errEmptyID
	}
	k := resKey(r.ID)
	taken, err := o.exists(ctx, `SELECT 1 FROM resources WHERE id_key = ?`, k)
	if err != nil {
		return o.fail("create resource", err)
	}
	if taken {
		return fmt.Errorf("resource %q: %w", r.ID, store.ErrConflict)
	}
	args, err := resourceArgs(r)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `INSERT INTO resources (id_key, id, type, type_key, subscription_id,
		subscription_key, resource_group, resource_group_key, name, name_key, location, tags, properties,
		system_assigned, host, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append([]any{k, r.ID}, args...)...)
	if err != nil {
		return o.fail("create resource", err)
	}
	return nil
}

func (o *ops) getResource(ctx context.Context, id, suffix string) (store.Resource, error) {
	r, err := scanResource(o.row(ctx, `SELECT `+resourceCols+` FROM resources WHERE id_key = ?`+suffix, resKey(id)))
	if err != nil {
		return r, o.notFound("get resource", fmt.Sprintf("resource %q", id), err)
	}
	return r, nil
}

func (o *ops) GetResource(ctx context.Context, id string) (store.Resource, error) {
	return o.getResource(ctx, id, "")
}

func (o *ops) FindResource(ctx context.Context, typ, name string) (store.Resource, error) {
	r, err := scanResource(o.row(ctx, `SELECT `+resourceCols+` FROM resources WHERE type_key = ? AND name_key = ?
		ORDER BY id_key LIMIT 1`, key(typ), key(name)))
	if err != nil {
		return r, o.notFound("find resource", fmt.Sprintf("%s %q", typ, name), err)
	}
	return r, nil
}

func (o *ops) ListResources(ctx context.Context, f store.ResourceFilter) ([]store.Resource, error) {
	q := `SELECT ` + resourceCols + ` FROM resources WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, val string }{
		{"subscription_key", f.SubscriptionID},
		{"resource_group_key", f.ResourceGroup},
		{"type_key", f.Type},
	} {
		if c.val != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, key(c.val))
		}
	}
	// Every resource is strictly below the root, so Under "/" adds nothing.
	if u := resKey(f.Under); u != "" && u != "/" {
		cond, a := below("id_key", u)
		q += ` AND ` + cond
		args = append(args, a...)
	}
	out, err := scanAll(ctx, o, scanResource, q+` ORDER BY id_key`, args...)
	if err != nil {
		return nil, o.fail("list resources", err)
	}
	return out, nil
}

func (o *ops) UpdateResource(ctx context.Context, id string, fn func(store.Resource) (store.Resource, error)) error {
	old, err := o.getResource(ctx, id, o.d.ForUpdate)
	if err != nil {
		return err
	}
	r, err := fn(old)
	if err != nil {
		return err
	}
	if resKey(r.ID) != resKey(old.ID) || !strings.EqualFold(r.Type, old.Type) {
		return fmt.Errorf("store: resource %q: ID and type cannot change", old.ID)
	}
	args, err := resourceArgs(r)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `UPDATE resources SET type = ?, type_key = ?, subscription_id = ?,
		subscription_key = ?, resource_group = ?, resource_group_key = ?, name = ?, name_key = ?, location = ?,
		tags = ?, properties = ?, system_assigned = ?, host = ?, created_at = ?, updated_at = ?
		WHERE id_key = ?`, append(args, resKey(old.ID))...)
	if err != nil {
		return o.fail("update resource", err)
	}
	return nil
}

// DeleteResource removes id, everything nested below it, and their identity
// attachments in either direction.
func (o *ops) DeleteResource(ctx context.Context, id string) error {
	k := resKey(id)
	if k == "/" || k == "" {
		return fmt.Errorf("store: refusing to delete the root")
	}
	if _, err := o.getResource(ctx, id, ""); err != nil {
		return err
	}
	// A vault's secrets and data key go with it, so a vault re-created
	// under the same ID starts empty.
	if err := o.deleteVaultData(ctx, k); err != nil {
		return err
	}
	under, a := below("id_key", k)
	underR, aR := below("resource_key", k)
	underI, aI := below("identity_key", k)
	stmts := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM attachments WHERE resource_key = ? OR ` + underR, append([]any{k}, aR...)},
		{`DELETE FROM attachments WHERE identity_key = ? OR ` + underI, append([]any{k}, aI...)},
		{`DELETE FROM resources WHERE id_key = ? OR ` + under, append([]any{k}, a...)},
	}
	for _, s := range stmts {
		if _, err := o.exec(ctx, s.q, s.args...); err != nil {
			return o.fail("delete resource", err)
		}
	}
	return nil
}
