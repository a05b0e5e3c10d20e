package resources

import (
	"net/http"

	"github.com/lanyardhq/lanyard/internal/arm"
	"github.com/lanyardhq/lanyard/internal/federation"
	"github.com/lanyardhq/lanyard/internal/store"
)

func (h *Handler) authorizeFIC(r *arm.Request, verb string) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	return h.authorize(r.Context(), c, typeFIC+"/"+verb, r.ID.String())
}

// readFICs authorizes a read and returns the identity resource with its
// principal's credentials (the federated ones are picked by federation).
func (h *Handler) readFICs(r *arm.Request) (store.Resource, []store.Credential, error) {
	if err := h.authorizeFIC(r, "read"); err != nil {
		return store.Resource{}, nil, err
	}
	res, p, err := identityOf(r.Context(), h.cfg.Store, *r)
	if err != nil {
		return store.Resource{}, nil, err
	}
	creds, err := h.cfg.Store.ListCredentials(r.Context(), p.ID)
	return res, creds, err
}

func (h *Handler) getFIC(w http.ResponseWriter, r *arm.Request) {
	res, creds, err := h.readFICs(r)
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	f, ok := federation.Find(creds, r.ID.Name())
	if !ok {
		arm.WriteError(w, r.Request, ficNotFound(r.ID.Name()))
		return
	}
	arm.WriteJSON(w, http.StatusOK, renderFIC(res.ID, f.Credential))
}

func (h *Handler) listFICs(w http.ResponseWriter, r *arm.Request) {
	res, creds, err := h.readFICs(r)
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	out := list[ficJSON]{Value: []ficJSON{}}
	for _, f := range federation.List(creds) {
		out.Value = append(out.Value, renderFIC(res.ID, f.Credential))
	}
	arm.WriteJSON(w, http.StatusOK, out)
}

// putFIC creates or replaces the credential named in the path (201 or 200).
func (h *Handler) putFIC(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	var in struct {
		Properties *ficPropsJSON `json:"properties"`
	}
	err := h.authorizeFIC(r, "write")
	if err == nil {
		err = arm.DecodeBody(w, r.Request, &in)
	}
	if err == nil && in.Properties == nil {
		err = arm.BadRequest("InvalidRequestContent", "The 'properties' object with issuer, subject and audiences is required.")
	}
	var fc federation.Credential
	if err == nil {
		fc = federation.Credential{Name: r.ID.Name(), Issuer: in.Properties.Issuer, Subject: in.Properties.Subject, Audiences: in.Properties.Audiences}
		err = ficError(fc.Normalize())
	}
	status, out := http.StatusCreated, ficJSON{}
	if err == nil {
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			res, p, err := identityOf(ctx, tx, *r)
			if err != nil {
				return err
			}
			creds, err := tx.ListCredentials(ctx, p.ID)
			if err != nil {
				return err
			}
			id := newGUID()
			if old, ok := federation.Find(creds, fc.Name); ok {
				id, fc.Name, status = old.ID, old.Name, http.StatusOK
				if err := tx.DeleteCredential(ctx, p.ID, old.ID); err != nil {
					return err
				}
			}
			if err := federation.CheckAdd(creds, fc, id); err != nil {
				return ficError(err)
			}
			out = renderFIC(res.ID, fc)
			return tx.CreateCredential(ctx, federation.Record(id, p.ID, fc, h.now()))
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	arm.WriteJSON(w, status, out)
}

// deleteFIC answers 200 when it deleted, 204 when there was nothing, as ARM.
func (h *Handler) deleteFIC(w http.ResponseWriter, r *arm.Request) {
	ctx := r.Context()
	status := http.StatusNoContent
	err := h.authorizeFIC(r, "delete")
	if err == nil {
		err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
			_, p, err := identityOf(ctx, tx, *r)
			if err != nil {
				return err
			}
			creds, err := tx.ListCredentials(ctx, p.ID)
			if err != nil {
				return err
			}
			if old, ok := federation.Find(creds, r.ID.Name()); ok {
				status = http.StatusOK
				return tx.DeleteCredential(ctx, p.ID, old.ID)
			}
			return nil
		})
	}
	if err != nil {
		arm.WriteError(w, r.Request, err)
		return
	}
	w.WriteHeader(status)
}
