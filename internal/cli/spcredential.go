package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// certCredential is what `credential reset --cert` prints: az prints the
// appId and tenant, and no password since the certificate is the credential.
type certCredential struct {
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName,omitempty"`
	KeyID       string `json:"keyId"`
	Thumbprint  string `json:"customKeyIdentifier"`
	Tenant      string `json:"tenant"`
}

// withCertificateReset adds az's --cert to `ad sp credential reset`: with
// it, the certificate (PEM or base64 DER, "@file" reads a file) is uploaded
// instead of a new secret being made, and unless --append every other
// secret and certificate on the principal is removed afterwards.
func withCertificateReset(a *app, reset *cobra.Command) *cobra.Command {
	var cert string
	reset.Flags().StringVar(&cert, "cert", "", "certificate to register instead of a new secret: PEM or base64 DER, or @file")
	secretRun := reset.RunE
	reset.RunE = func(cmd *cobra.Command, args []string) error {
		if cert == "" {
			return secretRun(cmd, args)
		}
		return a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			return resetCertificate(ctx, a, c, cmd, cert)
		})(cmd, args)
	}
	return reset
}

func resetCertificate(ctx context.Context, a *app, c *client, cmd *cobra.Command, certArg string) error {
	text := certArg
	if path, ok := strings.CutPrefix(certArg, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("--cert: %w", err)
		}
		text = string(b)
	}
	if strings.Contains(text, "PRIVATE KEY") {
		return fmt.Errorf("--cert: the file holds a private key; register only the certificate (the key stays with the application)")
	}
	ref, _ := cmd.Flags().GetString("id")
	name, _ := cmd.Flags().GetString("display-name")
	keep, _ := cmd.Flags().GetBool("append")
	sp, err := c.servicePrincipal(ctx, ref)
	if err != nil {
		return err
	}
	id, _ := sp["id"].(string)
	if err := checkName("service principal ID", id); err != nil {
		return err
	}
	var key struct {
		KeyID               string `json:"keyId"`
		CustomKeyIdentifier string `json:"customKeyIdentifier"`
	}
	if err := c.call(ctx, http.MethodPost, "/v1.0/servicePrincipals/"+id+"/addCertificate", nil,
		map[string]string{"certificate": text, "displayName": name}, &key); err != nil {
		return err
	}
	if !keep {
		for field, action := range map[string]string{"passwordCredentials": "removePassword", "keyCredentials": "removeKey"} {
			creds, _ := sp[field].([]any)
			for _, cr := range creds {
				m, _ := cr.(map[string]any)
				if kid, _ := m["keyId"].(string); kid != "" && kid != key.KeyID {
					if err := c.call(ctx, http.MethodPost, "/v1.0/servicePrincipals/"+id+"/"+action, nil, map[string]string{"keyId": kid}, nil); err != nil {
						return fmt.Errorf("the certificate was added but removing the old credential %s failed: %w", kid, err)
					}
				}
			}
		}
	}
	appID, _ := sp["appId"].(string)
	display, _ := sp["displayName"].(string)
	return a.print(cmd.OutOrStdout(), certCredential{AppID: appID, DisplayName: display, KeyID: key.KeyID, Thumbprint: key.CustomKeyIdentifier, Tenant: c.prof.TenantID},
		cols("AppId=appId", "DisplayName=displayName", "KeyId=keyId", "Thumbprint=customKeyIdentifier", "Tenant=tenant"))
}
