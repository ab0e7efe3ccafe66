package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/deploy"
)

func init() {
	var (
		version    string
		production bool
		noHTTPS    bool
		httpURL    string
		timeout    time.Duration
		every      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "check-deploy URL",
		Short: "Vérifie un site déployé : /healthz, /readyz, page de connexion, version, HTTPS en production",
		Long: `Vérifie le site déployé à URL après un déploiement : /healthz et /readyz répondent 200,
la page de connexion ` + deploy.LoginPath + ` répond 200 (tant qu'elle n'existe pas, 404, la page
d'accueil / est vérifiée à la place et le rapport le dit), la version servie (en-tête
` + deploy.VersionHeader + ` ou /version) est celle attendue (--version), et en production
(--production) : en-tête HSTS et redirection 301/308 de http:// vers https://.
Sort en erreur en nommant chaque point en échec.`,
		Example: `  apilos check-deploy https://apilos-staging.osc-fr1.scalingo.io --version $GITHUB_SHA --timeout 5m
  apilos check-deploy https://apilos.beta.gouv.fr --version "$(git rev-parse v1.23.0^{commit})" --production`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			opts := deploy.CheckOptions{
				URL: args[0], Version: version, Production: production,
				AllowHTTP: noHTTPS, HTTPURL: httpURL,
			}
			rep, err := deploy.CheckUntil(cmd.Context(), opts, timeout, every, func(r deploy.Report) {
				fmt.Fprintf(out, "Pas encore conforme, nouvel essai dans %s :\n%s", every, r)
			})
			if errors.Is(err, deploy.ErrOptions) {
				return err
			}
			fmt.Fprintf(out, "Vérification de %s\n%s", args[0], rep)
			if err != nil {
				return err
			}
			if err := rep.Err(); err != nil {
				return err
			}
			fmt.Fprintln(out, "Déploiement conforme.")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&version, "version", "", "version attendue (tag vX.Y.Z ou commit, abrégé accepté)")
	f.BoolVar(&production, "production", false, "ajoute les vérifications HSTS et redirection http vers https")
	f.BoolVar(&noHTTPS, "no-https", false, "autorise --production sur une URL http:// (essai local) : HSTS et redirection sont alors signalés NON VÉRIFIÉ")
	f.StringVar(&httpURL, "http-url", "", "adresse http:// où vérifier la redirection (défaut : même hôte en http)")
	f.DurationVar(&timeout, "timeout", 0, "réessaie jusqu'à ce que tout soit conforme pendant cette durée (ex. 5m ; 0 : un seul essai)")
	f.DurationVar(&every, "interval", 10*time.Second, "délai entre deux essais avec --timeout")
	rootCmd.AddCommand(cmd)
}
