package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/prompt"
	"github.com/MTES-MCT/apilos-go/internal/users"
)

func init() {
	var n users.NewSuperuser
	var noInput bool
	cmd := &cobra.Command{
		Use:   "createsuperuser",
		Short: "Crée un compte superutilisateur (administrateur technique)",
		Long: "Crée un compte superutilisateur. Sans --noinput, les informations manquantes sont demandées.\n" +
			"Avec --noinput, le mot de passe est lu dans la variable APILOS_SUPERUSER_PASSWORD.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := prompt.New(cmd.InOrStdin(), cmd.OutOrStdout())
			var err error
			if noInput {
				n.Password = os.Getenv("APILOS_SUPERUSER_PASSWORD")
				if n.Username == "" || n.Password == "" {
					return errors.New("avec --noinput, --username et la variable APILOS_SUPERUSER_PASSWORD sont obligatoires")
				}
			} else {
				if n.Username == "" {
					if n.Username, err = p.Ask("Nom d'utilisateur : "); err != nil {
						return err
					}
				}
				if n.Email == "" {
					if n.Email, err = p.Ask("Adresse e-mail : "); err != nil {
						return err
					}
				}
				if n.Password, err = p.Secret("Mot de passe : "); err != nil {
					return err
				}
				again, err := p.Secret("Mot de passe (confirmation) : ")
				if err != nil {
					return err
				}
				if again != n.Password {
					return errors.New("mot de passe : les deux saisies ne correspondent pas")
				}
			}
			if err := n.Validate(); err != nil {
				return err
			}
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			if _, err := users.CreateSuperuser(cmd.Context(), pool, n); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Superutilisateur « %s » créé.\n", n.Username)
			return nil
		},
	}
	cmd.Flags().StringVar(&n.Username, "username", "", "nom d'utilisateur")
	cmd.Flags().StringVar(&n.Email, "email", "", "adresse e-mail")
	cmd.Flags().BoolVar(&noInput, "noinput", false, "ne rien demander (mot de passe dans APILOS_SUPERUSER_PASSWORD)")
	rootCmd.AddCommand(cmd)

	rootCmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Affiche la version de l'application",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), rootCmd.Version)
		},
	})
}
