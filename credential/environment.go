package credential

import (
	"context"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const envName = "EnvironmentCredential"

// EnvironmentCredential signs a service principal in with the client
// credentials grant, configured by AZURE_TENANT_ID, AZURE_CLIENT_ID and
// either AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (a PEM file
// with the certificate and its unencrypted RSA key), against
// AZURE_AUTHORITY_HOST (default https://login.microsoftonline.com).
type EnvironmentCredential struct {
	client *confidentialClient
}

var _ azcore.TokenCredential = (*EnvironmentCredential)(nil)

// NewEnvironmentCredential reads the environment. The error is an
// *UnavailableError when the variables are missing or incomplete.
func NewEnvironmentCredential(opts *Options) (*EnvironmentCredential, error) {
	o := opts.orZero()
	tenant := firstNonEmpty(o.TenantID, os.Getenv("AZURE_TENANT_ID"))
	clientID := os.Getenv("AZURE_CLIENT_ID")
	secret := os.Getenv("AZURE_CLIENT_SECRET")
	certPath := os.Getenv("AZURE_CLIENT_CERTIFICATE_PATH")
	const fix = "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) for a service principal, e.g. from `lanyard ad sp credential reset`"
	switch {
	case tenant == "" && clientID == "" && secret == "" && certPath == "":
		return nil, unavailable(envName, "no AZURE_TENANT_ID, AZURE_CLIENT_ID or AZURE_CLIENT_SECRET in the environment", fix)
	case tenant == "":
		return nil, unavailable(envName, "AZURE_TENANT_ID is not set", fix)
	case clientID == "":
		return nil, unavailable(envName, "AZURE_CLIENT_ID is not set", fix)
	case secret == "" && certPath == "":
		return nil, unavailable(envName, "only AZURE_TENANT_ID and AZURE_CLIENT_ID are set: neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is", fix)
	}
	endpoint, err := tokenEndpoint(envName, tenant)
	if err != nil {
		return nil, err
	}
	c := &confidentialClient{
		name: envName, endpoint: endpoint, clientID: clientID,
		transport: opts.transport(), now: opts.now(), cache: newTokenCache(opts.now()),
	}
	if secret != "" {
		c.secret = secret
	} else {
		cert, err := loadCertificate(certPath)
		if err != nil {
			return nil, unavailable(envName, "AZURE_CLIENT_CERTIFICATE_PATH: "+err.Error(), "point it at a PEM file holding the certificate and its unencrypted RSA private key")
		}
		c.assertion = func(context.Context) (string, error) {
			return cert.assertion(clientID, endpoint, c.now())
		}
	}
	return &EnvironmentCredential{client: c}, nil
}

// GetToken implements azcore.TokenCredential.
func (e *EnvironmentCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return e.client.GetToken(ctx, opts)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
