package vault

import (
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Soft-delete policy: every vault is "Recoverable+Purgeable" with Azure's
// default retention.
const (
	recoverableDays = 90
	recoveryLevel   = "Recoverable+Purgeable"
	retention       = recoverableDays * 24 * time.Hour
)

// attributesJSON is "attributes"; every time is integer Unix seconds (the
// SDK rejects strings and floats).
type attributesJSON struct {
	Enabled         bool   `json:"enabled"`
	NotBefore       *int64 `json:"nbf,omitempty"`
	Expires         *int64 `json:"exp,omitempty"`
	Created         int64  `json:"created"`
	Updated         int64  `json:"updated"`
	RecoverableDays int32  `json:"recoverableDays"`
	RecoveryLevel   string `json:"recoveryLevel"`
}

// secretJSON is Secret, SecretProperties (no value) and DeletedSecret
// (plus the recovery fields) of azsecrets' models.
type secretJSON struct {
	Value              *string           `json:"value,omitempty"`
	ID                 string            `json:"id"`
	Attributes         attributesJSON    `json:"attributes"`
	ContentType        string            `json:"contentType,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	RecoveryID         string            `json:"recoveryId,omitempty"`
	DeletedDate        *int64            `json:"deletedDate,omitempty"`
	ScheduledPurgeDate *int64            `json:"scheduledPurgeDate,omitempty"`
}

// listJSON is a page; nextLink is null on the last page.
type listJSON struct {
	Value    []secretJSON `json:"value"`
	NextLink *string      `json:"nextLink"`
}

func unixOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

// render shows v at base (the vault URL). withVersion puts the version in
// the id (lists of secrets show the secret's id without one).
func render(base string, v store.SecretVersion, withVersion bool) secretJSON {
	id := base + "/secrets/" + v.Name
	if withVersion {
		id += "/" + v.Version
	}
	return secretJSON{
		ID: id,
		Attributes: attributesJSON{
			Enabled: v.Enabled, NotBefore: unixOrNil(v.NotBefore), Expires: unixOrNil(v.Expires),
			Created: v.CreatedAt.Unix(), Updated: v.UpdatedAt.Unix(),
			RecoverableDays: recoverableDays, RecoveryLevel: recoveryLevel,
		},
		ContentType: v.ContentType,
		Tags:        v.Tags,
	}
}

func renderDeleted(base string, d store.DeletedSecret, withVersion bool) secretJSON {
	out := render(base, d.Latest, withVersion)
	out.RecoveryID = base + "/deletedsecrets/" + d.Latest.Name
	out.DeletedDate = unixOrNil(d.DeletedAt)
	out.ScheduledPurgeDate = unixOrNil(d.ScheduledPurgeAt)
	return out
}
