package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/lanyardhq/lanyard/internal/scope"
	"github.com/spf13/cobra"
)

// groupID resolves --group: an object ID as is, else a unique display name.
func (c *client) groupID(ctx context.Context, g string) (string, error) {
	if scope.IsGUID(g) {
		return g, nil
	}
	groups, err := c.list(ctx, "/v1.0/groups", nil)
	if err != nil {
		return "", err
	}
	var found []string
	for _, o := range groups {
		if name, _ := o["displayName"].(string); strings.EqualFold(name, g) {
			id, _ := o["id"].(string)
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no group named %q", g)
	case 1:
		return found[0], checkName("group ID", found[0])
	}
	return "", fmt.Errorf("%d groups are named %q (%s): pass an object ID", len(found), g, strings.Join(found, ", "))
}

var memberColumns = cols("DisplayName=displayName", "UserPrincipalName=userPrincipalName", "AppId=appId", "Id=id")

func newADGroupCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Manage security groups"}
	var display, nick string
	create := &cobra.Command{Use: "create", Short: "Create a security group", Args: cobra.NoArgs,
		RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
			body := map[string]any{"displayName": display}
			if nick != "" {
				body["mailNickname"] = nick
			}
			var out map[string]any
			if err := c.call(ctx, http.MethodPost, "/v1.0/groups", nil, body, &out); err != nil {
				return err
			}
			return a.print(cmd.OutOrStdout(), out, adGrpColumns)
		})}
	create.Flags().StringVar(&display, "display-name", "", "display name")
	create.Flags().StringVar(&nick, "mail-nickname", "", "mail nickname (optional)")
	create.MarkFlagRequired("display-name")

	byGroup := func(use, short, method, suffix string, member bool) *cobra.Command {
		var group, memberID string
		c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
			RunE: a.run(func(ctx context.Context, c *client, cmd *cobra.Command) error {
				gid, err := c.groupID(ctx, group)
				if err != nil {
					return err
				}
				path := "/v1.0/groups/" + gid
				if member {
					if !scope.IsGUID(memberID) {
						return fmt.Errorf("--member-id %q must be an object ID", memberID)
					}
				}
				switch use {
				case "add":
					ref := map[string]string{"@odata.id": c.base + "/v1.0/directoryObjects/" + memberID}
					return c.call(ctx, http.MethodPost, path+"/members/$ref", nil, ref, nil)
				case "remove":
					return c.call(ctx, http.MethodDelete, path+"/members/"+memberID+"/$ref", nil, nil, nil)
				case "delete":
					return c.call(ctx, http.MethodDelete, path, nil, nil, nil)
				}
				if suffix == "/members" {
					items, err := c.list(ctx, path+suffix, nil)
					if err != nil {
						return err
					}
					return a.print(cmd.OutOrStdout(), items, memberColumns)
				}
				var out any
				if err := c.call(ctx, method, path, nil, nil, &out); err != nil {
					return err
				}
				return a.print(cmd.OutOrStdout(), out, adGrpColumns)
			})}
		c.Flags().StringVar(&group, "group", "", "group object ID or display name")
		c.MarkFlagRequired("group")
		if member {
			c.Flags().StringVar(&memberID, "member-id", "", "object ID of the member (user, group or service principal)")
			c.MarkFlagRequired("member-id")
		}
		return c
	}
	members := &cobra.Command{Use: "member", Short: "Manage group members"}
	members.AddCommand(
		byGroup("add", "Add a member to a group", http.MethodPost, "", true),
		byGroup("remove", "Remove a member from a group", http.MethodDelete, "", true),
		byGroup("list", "List a group's direct members", http.MethodGet, "/members", false),
	)
	cmd.AddCommand(create,
		a.graphList("List groups", "/v1.0/groups", nil, adGrpColumns),
		byGroup("show", "Show a group", http.MethodGet, "", false),
		byGroup("delete", "Delete a group", http.MethodDelete, "", false),
		members)
	return cmd
}
