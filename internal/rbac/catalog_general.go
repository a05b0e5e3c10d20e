package rbac

import "github.com/lanyardhq/lanyard/internal/store"

// Source: MicrosoftDocs/azure-docs
// articles/role-based-access-control/built-in-roles/privileged.md (ms.date
// 07/01/2026: Owner, Contributor, Role Based Access Control Administrator,
// User Access Administrator), general.md (Reader) and identity.md (Managed
// Identity Contributor/Operator), as summarised in design/ROLES.md.

// monitoringBasics is the read/deploy/support set many service roles share.
var monitoringBasics = []string{
	"Microsoft.Authorization/*/read",
	"Microsoft.Insights/alertRules/*",
	"Microsoft.Resources/subscriptions/resourceGroups/read",
	"Microsoft.Resources/deployments/*",
	"Microsoft.Support/*",
}

func generalRoles() []store.RoleDefinition {
	return []store.RoleDefinition{
		{
			ID:          OwnerID,
			RoleName:    "Owner",
			Description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
			Permissions: perm([]string{"*"}, nil, nil, nil),
		},
		{
			ID:          ContributorID,
			RoleName:    "Contributor",
			Description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
			Permissions: perm([]string{"*"}, []string{
				"Microsoft.Authorization/*/Delete",
				"Microsoft.Authorization/*/Write",
				"Microsoft.Authorization/elevateAccess/Action",
				"Microsoft.Blueprint/blueprintAssignments/write",
				"Microsoft.Blueprint/blueprintAssignments/delete",
				"Microsoft.Compute/galleries/share/action",
				"Microsoft.Purview/consents/write",
				"Microsoft.Purview/consents/delete",
				"Microsoft.Resources/deploymentStacks/manageDenySetting/action",
				"Microsoft.Subscription/cancel/action",
				"Microsoft.Subscription/enable/action",
			}, nil, nil),
		},
		{
			ID:          ReaderID,
			RoleName:    "Reader",
			Description: "View all resources, but does not allow you to make any changes.",
			Permissions: perm([]string{"*/read"}, nil, nil, nil),
		},
		{
			ID:          UserAccessAdministratorID,
			RoleName:    "User Access Administrator",
			Description: "Lets you manage user access to Azure resources.",
			Permissions: perm([]string{"*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"}, nil, nil, nil),
		},
		{
			ID:          RBACAdministratorID,
			RoleName:    "Role Based Access Control Administrator",
			Description: "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.",
			Permissions: perm([]string{
				"Microsoft.Authorization/roleAssignments/write",
				"Microsoft.Authorization/roleAssignments/delete",
				"*/read",
				"Microsoft.Support/*",
			}, nil, nil, nil),
		},
	}
}

func identityRoles() []store.RoleDefinition {
	return []store.RoleDefinition{
		{
			ID:          ManagedIdentityContributorID,
			RoleName:    "Managed Identity Contributor",
			Description: "Create, Read, Update, and Delete User Assigned Identity",
			Permissions: perm(append([]string{
				"Microsoft.ManagedIdentity/userAssignedIdentities/read",
				"Microsoft.ManagedIdentity/userAssignedIdentities/write",
				"Microsoft.ManagedIdentity/userAssignedIdentities/delete",
				"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
				"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
				"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
				"Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action",
			}, monitoringBasics...), nil, nil, nil),
		},
		{
			ID:          ManagedIdentityOperatorID,
			RoleName:    "Managed Identity Operator",
			Description: "Read and Assign User Assigned Identity",
			Permissions: perm(append([]string{
				"Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
				"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
			}, monitoringBasics...), nil, nil, nil),
		},
	}
}
