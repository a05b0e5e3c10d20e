package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/spf13/cobra"
)

var secretColumns = cols("Name=name", "Enabled=attributes.enabled", "ContentType=contentType", "Updated=attributes.updated")

// secretOut is what the commands print, shaped like az's. Value is set only
// by `secret show`: no other command prints a secret's value.
type secretOut struct {
	ID                 string            `json:"id,omitempty"`
	Name               string            `json:"name"`
	Version            string            `json:"version,omitempty"`
	Value              *string           `json:"value,omitempty"`
	ContentType        string            `json:"contentType,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	Managed            bool              `json:"managed,omitempty"`
	Attributes         secretAttrs       `json:"attributes"`
	RecoveryID         string            `json:"recoveryId,omitempty"`
	DeletedDate        *time.Time        `json:"deletedDate,omitempty"`
	ScheduledPurgeDate *time.Time        `json:"scheduledPurgeDate,omitempty"`
}

type secretAttrs struct {
	Enabled         *bool      `json:"enabled,omitempty"`
	Created         *time.Time `json:"created,omitempty"`
	Updated         *time.Time `json:"updated,omitempty"`
	Expires         *time.Time `json:"expires,omitempty"`
	NotBefore       *time.Time `json:"notBefore,omitempty"`
	RecoverableDays *int32     `json:"recoverableDays,omitempty"`
	RecoveryLevel   string     `json:"recoveryLevel,omitempty"`
}

// secretFields is what every SDK secret shape has in common.
type secretFields struct {
	id          *azsecrets.ID
	contentType *string
	tags        map[string]*string
	managed     *bool
	attrs       *azsecrets.SecretAttributes
}

// out renders the fields; the name and version are read from the ID by
// secretRef rather than the SDK's ID.Name(), which assumes IDs have no path
// prefix and so would misread one that keeps the vault's path.
func (f secretFields) out(vaultURL string) secretOut {
	o := secretOut{ID: string(deref(f.id)), ContentType: deref(f.contentType), Managed: deref(f.managed)}
	o.Name, o.Version = secretRef(vaultURL, o.ID)
	if len(f.tags) > 0 {
		o.Tags = make(map[string]string, len(f.tags))
		for k, v := range f.tags {
			o.Tags[k] = deref(v)
		}
	}
	if a := f.attrs; a != nil {
		o.Attributes = secretAttrs{Enabled: a.Enabled, Created: a.Created, Updated: a.Updated, Expires: a.Expires,
			NotBefore: a.NotBefore, RecoverableDays: a.RecoverableDays, RecoveryLevel: deref(a.RecoveryLevel)}
	}
	return o
}

// secretRef splits "/secrets/{name}[/{version}]" (or deletedsecrets). Lanyard
// renders path-style IDs without the vault's path so that the SDK parses
// them; an ID that does keep it (/vaults/v/secrets/...) is read too.
func secretRef(vaultURL, id string) (name, version string) {
	v, err1 := url.Parse(vaultURL)
	u, err2 := url.Parse(id)
	if err1 != nil || err2 != nil {
		return "", ""
	}
	rest := strings.Trim(u.Path, "/")
	if prefix := strings.Trim(v.Path, "/"); prefix != "" {
		if r, ok := strings.CutPrefix(rest, prefix+"/"); ok {
			rest = r
		}
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) < 2 || (parts[0] != "secrets" && parts[0] != "deletedsecrets") {
		return "", ""
	}
	if len(parts) > 2 {
		version = parts[2]
	}
	return parts[1], version
}

// Key Vault's rules for names and versions; checking them first sends
// nothing for a name the service would refuse.
var (
	secretName    = regexp.MustCompile(`^[0-9A-Za-z-]{1,127}$`)
	secretVersion = regexp.MustCompile(`^[0-9A-Za-z]{1,64}$`)
)

// secretTarget is the flags every secret command shares.
type secretTarget struct{ vault, group, name string }

func (st *secretTarget) bind(cmd *cobra.Command, withName bool) {
	f := cmd.Flags()
	f.StringVar(&st.vault, "vault-name", "", "key vault name")
	f.StringVarP(&st.group, "resource-group", "g", "", "the vault's resource group (default: find the vault by name in the subscription)")
	_ = cmd.MarkFlagRequired("vault-name")
	if withName {
		f.StringVarP(&st.name, "name", "n", "", "secret name")
		_ = cmd.MarkFlagRequired("name")
	}
}

// secretClient validates the name, resolves the vault and builds the SDK
// client. Path-style vault URLs (<server>/vaults/<v>) are not under the
// challenge's resource host, so resource verification is off for them only.
func (a *app) secretClient(ctx context.Context, c *client, st secretTarget, withName bool) (*azsecrets.Client, string, error) {
	if withName && !secretName.MatchString(st.name) {
		return nil, "", fmt.Errorf("%q is not a valid secret name (1-127 letters, digits and hyphens)", st.name)
	}
	conn, err := a.connect(ctx, c, vaultType, st.group, st.vault, "properties.vaultUri", vaultAudience)
	if err != nil {
		return nil, "", err
	}
	sc, err := azsecrets.NewClient(conn.endpoint, conn.cred, &azsecrets.ClientOptions{
		ClientOptions:                        conn.opts,
		DisableChallengeResourceVerification: conn.pathStyle,
	})
	return sc, conn.endpoint, err
}

// secretValue is --value or the contents of --file, exactly one of them.
func secretValue(cmd *cobra.Command, value, file string) (string, error) {
	switch {
	case cmd.Flags().Changed("value") && file != "":
		return "", fmt.Errorf("pass --value or --file, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("reading --file: %w", err)
		}
		return string(b), nil
	case cmd.Flags().Changed("value"):
		return value, nil
	}
	return "", fmt.Errorf("pass the secret with --value or --file")
}

func newKeyVaultSecretCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "secret", Short: "Manage Key Vault secrets (data plane)"}
	// one returns a command acting on a single named secret.
	one := func(use, short string, fn func(ctx context.Context, sc *azsecrets.Client, vaultURL string, st secretTarget, cmd *cobra.Command) (any, error)) (*cobra.Command, *secretTarget) {
		var st secretTarget
		c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
			RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
				sc, vaultURL, err := a.secretClient(ctx, c, st, true)
				if err != nil {
					return err
				}
				out, err := fn(ctx, sc, vaultURL, st, cmd)
				if err != nil || out == nil {
					return dataError(err)
				}
				return a.print(cmd.OutOrStdout(), out, secretColumns)
			})}
		st.bind(c, true)
		return c, &st
	}

	var value, file, ctype string
	var tags []string
	set, _ := one("set", "Create a secret or add a new version of it", func(ctx context.Context, sc *azsecrets.Client, vaultURL string, st secretTarget, cmd *cobra.Command) (any, error) {
		v, err := secretValue(cmd, value, file)
		if err != nil {
			return nil, err
		}
		tg, err := parseKV("tag", tags)
		if err != nil {
			return nil, err
		}
		params := azsecrets.SetSecretParameters{Value: &v}
		if ctype != "" {
			params.ContentType = &ctype
		}
		if len(tg) > 0 {
			params.Tags = make(map[string]*string, len(tg))
			for k, v := range tg {
				params.Tags[k] = &v
			}
		}
		resp, err := sc.SetSecret(ctx, st.name, params, nil)
		if err != nil {
			return nil, err
		}
		// As every command but show, set does not echo the value.
		return secretFields{resp.ID, resp.ContentType, resp.Tags, resp.Managed, resp.Attributes}.out(vaultURL), nil
	})
	set.Flags().StringVar(&value, "value", "", "the secret's value (visible in the process list; prefer --file)")
	set.Flags().StringVarP(&file, "file", "f", "", "file whose contents are the value")
	set.Flags().StringVar(&ctype, "content-type", "", "content type, e.g. text/plain")
	set.Flags().StringArrayVar(&tags, "tags", nil, "tag KEY=VALUE (repeatable)")

	var version string
	show, _ := one("show", "Show a secret, with its value", func(ctx context.Context, sc *azsecrets.Client, vaultURL string, st secretTarget, _ *cobra.Command) (any, error) {
		if version != "" && !secretVersion.MatchString(version) {
			return nil, fmt.Errorf("%q is not a valid secret version", version)
		}
		resp, err := sc.GetSecret(ctx, st.name, version, nil)
		if err != nil {
			return nil, err
		}
		o := secretFields{resp.ID, resp.ContentType, resp.Tags, resp.Managed, resp.Attributes}.out(vaultURL)
		o.Value = new(deref(resp.Value)) // the point of show, as in az
		return o, nil
	})
	show.Flags().StringVar(&version, "version", "", "a version (default: the latest)")

	del, _ := one("delete", "Delete a secret (recoverable until purged)", func(ctx context.Context, sc *azsecrets.Client, vaultURL string, st secretTarget, _ *cobra.Command) (any, error) {
		resp, err := sc.DeleteSecret(ctx, st.name, nil)
		if err != nil {
			return nil, err
		}
		o := secretFields{resp.ID, resp.ContentType, resp.Tags, resp.Managed, resp.Attributes}.out(vaultURL)
		o.RecoveryID, o.DeletedDate, o.ScheduledPurgeDate = deref(resp.RecoveryID), resp.DeletedDate, resp.ScheduledPurgeDate
		return o, nil
	})
	recoverCmd, _ := one("recover", "Recover a deleted secret", func(ctx context.Context, sc *azsecrets.Client, vaultURL string, st secretTarget, _ *cobra.Command) (any, error) {
		resp, err := sc.RecoverDeletedSecret(ctx, st.name, nil)
		if err != nil {
			return nil, err
		}
		return secretFields{resp.ID, resp.ContentType, resp.Tags, resp.Managed, resp.Attributes}.out(vaultURL), nil
	})
	purge, _ := one("purge", "Permanently delete a deleted secret", func(ctx context.Context, sc *azsecrets.Client, _ string, st secretTarget, _ *cobra.Command) (any, error) {
		_, err := sc.PurgeDeletedSecret(ctx, st.name, nil)
		return nil, err
	})
	cmd.AddCommand(set, show, del, recoverCmd, purge, secretListCommand(a, "list"), secretListCommand(a, "list-versions"), secretListCommand(a, "list-deleted"))
	return cmd
}

// secretListCommand is list, list-versions (-n) and list-deleted; none
// prints values (the service does not send them in lists either).
func secretListCommand(a *app, use string) *cobra.Command {
	var st secretTarget
	short := map[string]string{"list": "List the vault's secrets", "list-versions": "List a secret's versions", "list-deleted": "List deleted secrets"}[use]
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			sc, vaultURL, err := a.secretClient(ctx, c, st, use == "list-versions")
			if err != nil {
				return err
			}
			out, err := listSecrets(ctx, sc, vaultURL, use, st.name)
			if err != nil {
				return dataError(err)
			}
			return a.print(cmd.OutOrStdout(), out, secretColumns)
		})}
	st.bind(cmd, use == "list-versions")
	return cmd
}

func listSecrets(ctx context.Context, sc *azsecrets.Client, vaultURL, use, name string) ([]secretOut, error) {
	out := []secretOut{}
	switch use {
	case "list-deleted":
		for p := sc.NewListDeletedSecretPropertiesPager(nil); p.More(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range page.Value {
				o := secretFields{it.ID, it.ContentType, it.Tags, it.Managed, it.Attributes}.out(vaultURL)
				o.RecoveryID, o.DeletedDate, o.ScheduledPurgeDate = deref(it.RecoveryID), it.DeletedDate, it.ScheduledPurgeDate
				out = append(out, o)
			}
		}
	case "list-versions":
		for p := sc.NewListSecretPropertiesVersionsPager(name, nil); p.More(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range page.Value {
				out = append(out, secretFields{it.ID, it.ContentType, it.Tags, it.Managed, it.Attributes}.out(vaultURL))
			}
		}
	default:
		for p := sc.NewListSecretPropertiesPager(nil); p.More(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range page.Value {
				out = append(out, secretFields{it.ID, it.ContentType, it.Tags, it.Managed, it.Attributes}.out(vaultURL))
			}
		}
	}
	return out, nil
}
