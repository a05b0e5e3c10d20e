package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/store"
)

const (
	typeSiteConfig = "Microsoft.Web/sites/config"
	maxSettingName = 256
	maxSettingVal  = 10 << 10
)

// App settings are an app's environment variables (its workload reads
// e.g. Managed_Identity_Client_ID from them). They are kept as the child row
// {site}/config/appsettings so that they go with the site, and may hold
// secrets: they are never logged, and error messages never echo them.

type settingsJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
}

func (h *Handler) registerAppSettings(rt *arm.Router) {
	versions := siteKind().versions
	rt.Handle(http.MethodPut, typeSiteConfig, versions, h.putAppSettings)
	rt.HandleAction(typeSiteConfig, "list", versions, h.listAppSettings)
}

// checkSettingsPath requires {site}/config/appsettings.
func checkSettingsPath(r *arm.Request) error {
	id := r.ID
	if id.ResourceGroup == "" || len(id.Segments) != 2 || id.Segments[0].Extension || id.Segments[1].Extension {
		return invalidID("App settings are addressed as /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Web/sites/{app}/config/appsettings.")
	}
	if !strings.EqualFold(id.Segments[1].Name, "appsettings") {
		return arm.NotFound("The config '%s' does not exist; Lanyard apps have only 'appsettings'.", id.Segments[1].Name)
	}
	return nil
}

func checkSettings(m map[string]string) error {
	for k, v := range m {
		if k == "" || len(k) > maxSettingName || strings.ContainsAny(k, "=\x00") {
			return arm.BadRequest("InvalidAppSettingName", "App setting names must be 1 to %d characters and may not contain '=' or NUL.", maxSettingName)
		}
		if len(v) > maxSettingVal || strings.ContainsRune(v, 0) {
			return arm.BadRequest("InvalidAppSettingValue", "App setting values must be at most %d bytes and may not contain NUL.", maxSettingVal)
		}
	}
	return nil
}

// site returns the app that owns the settings at r.ID.
func site(ctx context.Context, tx store.Tx, r *arm.Request) (store.Resource, error) {
	id := r.ID
	id.Segments = id.Segments[:1]
	s, err := tx.GetResource(ctx, id.String())
	if errors.Is(err, store.ErrNotFound) {
		if _, err := parentGroup(ctx, tx, id.Subscription, id.ResourceGroup); err != nil {
			return s, err
		}
		return s, resourceNotFound(typeSites, id.Name(), id.ResourceGroup)
	}
	if err != nil {
		return s, fmt.Errorf("get app %s: %w", id, err)
	}
	return s, nil
}

func (h *Handler) putAppSettings(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkSettingsPath(r)
	}
	if err == nil {
		err = h.authorize(ctx, c, actionConfigWrite, r.ID.String())
	}
	var in struct {
		Properties map[string]string `json:"properties"`
	}
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &in)
	}
	if err == nil {
		err = checkSettings(in.Properties)
	}
	if in.Properties == nil {
		in.Properties = map[string]string{}
	}
	var out settingsJSON
	if err == nil {
		props, _ := json.Marshal(in.Properties)
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			s, err := site(ctx, tx, r)
			if err != nil {
				return err
			}
			now := h.now()
			row := store.Resource{ID: s.ID + "/config/appsettings", Type: typeSiteConfig, SubscriptionID: s.SubscriptionID,
				ResourceGroup: s.ResourceGroup, Name: "appsettings", Location: s.Location, Properties: props, CreatedAt: now, UpdatedAt: now}
			out = settingsJSON{ID: row.ID, Name: row.Name, Type: typeSiteConfig, Properties: in.Properties}
			err = tx.UpdateResource(ctx, row.ID, func(cur store.Resource) (store.Resource, error) {
				cur.Properties, cur.UpdatedAt = props, now
				return cur, nil
			})
			if errors.Is(err, store.ErrNotFound) {
				err = tx.CreateResource(ctx, row)
			}
			return err
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) listAppSettings(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	c, err := caller(r)
	if err == nil {
		err = checkSettingsPath(r)
	}
	if err == nil {
		err = h.authorize(ctx, c, actionConfigList, r.ID.String())
	}
	var s store.Resource
	if err == nil {
		s, err = site(ctx, h.cfg.Store, r)
	}
	var m map[string]string
	if err == nil {
		m, err = LoadAppSettings(ctx, h.cfg.Store, s.ID)
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, http.StatusOK, settingsJSON{ID: s.ID + "/config/appsettings", Name: "appsettings", Type: typeSiteConfig, Properties: m})
}

// LoadAppSettings returns an app's settings (empty if it has none), for the
// code that starts the app with them as its environment.
func LoadAppSettings(ctx context.Context, rs store.Resources, siteID string) (map[string]string, error) {
	m := map[string]string{}
	row, err := rs.GetResource(ctx, siteID+"/config/appsettings")
	if errors.Is(err, store.ErrNotFound) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("app settings of %s: %w", siteID, err)
	}
	if err := json.Unmarshal(row.Properties, &m); err != nil {
		return nil, fmt.Errorf("app settings of %s: %w", siteID, err)
	}
	return m, nil
}
