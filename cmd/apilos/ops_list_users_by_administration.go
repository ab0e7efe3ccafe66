package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
)

func init() {
	var operation string
	cmd := &cobra.Command{
		Use:     "list_users_by_administration CODE",
		Aliases: []string{"list-users-by-administration"},
		Short:   "Diagnostic d'une administration : conventions, bailleurs, utilisateurs et préférences e-mail",
		Long: "Affiche l'administration de code CODE, son nombre de conventions, les bailleurs de ses programmes,\n" +
			"les utilisateurs instructeurs et bailleurs concernés avec leur préférence e-mail et leur dernière connexion.\n" +
			"Avec --operation, affiche pour chaque convention de l'opération qui reçoit ses e-mails et ses 10 derniers\n" +
			"changements de statut. Lecture seule : utilisable en production.",
		Example: "  apilos list_users_by_administration 13055\n  apilos list_users_by_administration 13055 --operation 2023-13-0042",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("indiquez un code d'administration, et un seul (ex. apilos list_users_by_administration 13055) ; reçu %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			pool, err := connect(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			rep, err := ops.ListUsersByAdministration(ctx, pool, args[0])
			if err != nil {
				return err
			}
			var convs []ops.ConventionRecipients
			if cmd.Flags().Changed("operation") {
				if convs, err = ops.OperationRecipients(ctx, pool, operation); err != nil {
					return err
				}
			}
			a := rep.Administration
			fmt.Fprintf(out, "Administration : %s (code %s)\n", a.Nom, a.Code)
			fmt.Fprintf(out, "Conventions : %d (dont %d avenant(s))\n", rep.Conventions, rep.Avenants)
			fmt.Fprintf(out, "Bailleurs des programmes : %d\n", len(rep.Bailleurs))
			for _, b := range rep.Bailleurs {
				fmt.Fprintf(out, "  - %s (SIRET %s) : %d convention(s)\n", b.Nom, b.Siret, b.Conventions)
			}
			fmt.Fprintf(out, "Utilisateurs de l'administration : %d\n", len(rep.Instructeurs))
			printUsers(out, rep.Instructeurs)
			fmt.Fprintf(out, "Utilisateurs des bailleurs : %d\n", len(rep.BailleurUsers))
			printUsers(out, rep.BailleurUsers)

			for _, c := range convs {
				kind := "Convention"
				if c.Avenant {
					kind = "Avenant"
				}
				numero := c.Numero
				if numero == "" {
					numero = "sans numéro"
				}
				fmt.Fprintf(out, "\n%s %s (%s) — programme « %s », bailleur « %s », uuid %s\n", kind, numero, c.Statut, c.ProgrammeNom, c.Bailleur, c.UUID)
				if want := a.Nom + " (" + a.Code + ")"; c.Administration != want {
					adm := c.Administration
					if adm == "" {
						adm = "aucune"
					}
					fmt.Fprintf(out, "  attention : administration du programme : %s (pas %s)\n", adm, want)
				}
				printRecipients(out, "E-mails aux bailleurs", c.BailleurSide)
				printRecipients(out, "E-mails de nouvelle soumission (soumis par un utilisateur non CERBERE ; sinon liste du SIAP)", c.Submission)
				printRecipients(out, "Autres e-mails à l'instruction", c.InstructionSide)
				printRecipients(out, "Ne reçoivent rien", c.Excluded)
				fmt.Fprintf(out, "  Derniers changements de statut (%d) :\n", len(c.History))
				for _, h := range c.History {
					who := h.User
					if who == "" {
						who = "utilisateur inconnu"
					}
					line := fmt.Sprintf("    - %s : %s → %s par %s", h.Date, h.From, h.To, who)
					if h.Commentaire != "" {
						line += " — « " + oneLine(h.Commentaire, 120) + " »"
					}
					fmt.Fprintln(out, line)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&operation, "operation", "", "numéro d'opération : destinataires des e-mails et historique de chaque convention")
	rootCmd.AddCommand(cmd)
}

func userLine(u ops.UserInfo) string {
	var b strings.Builder
	b.WriteString(u.Username)
	if u.Email != "" {
		b.WriteString(" <" + u.Email + ">")
	}
	if u.Name != "" {
		b.WriteString(" " + u.Name)
	}
	fmt.Fprintf(&b, " — préférence e-mail : %s (%s)", u.Preference, ops.PreferenceLabel(u.Preference))
	if u.LastLogin == "" {
		b.WriteString(" — jamais connecté")
	} else {
		b.WriteString(" — dernière connexion : " + u.LastLogin)
	}
	if u.Cerbere {
		b.WriteString(" — CERBERE")
	}
	if !u.Active {
		b.WriteString(" — compte désactivé")
	}
	return b.String()
}

func printUsers(out io.Writer, users []ops.UserInfo) {
	for _, u := range users {
		fmt.Fprintf(out, "  - %s\n", userLine(u))
		if len(u.Roles) > 0 {
			fmt.Fprintf(out, "      rôles : %s\n", strings.Join(u.Roles, ", "))
		}
	}
}

func printRecipients(out io.Writer, title string, rs []ops.Recipient) {
	fmt.Fprintf(out, "  %s : %d\n", title, len(rs))
	for _, r := range rs {
		email := r.Email
		if email == "" {
			email = "(sans e-mail)"
		}
		fmt.Fprintf(out, "    - %s (%s ; %s)\n", email, r.Username, r.Reason)
	}
}

// oneLine keeps a comment on one line, cut at max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
