package jobs

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/clamav"
	"github.com/MTES-MCT/apilos-go/internal/clamav/clamavtest"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// Two deposits go through the real queue to a clamd speaking the
// protocol over TCP: the clean one is marked sain, the infected one is
// quarantined and its uploader and the staff get one e-mail each, even
// though its scan was enqueued twice.
func TestScanUploadTask(t *testing.T) {
	d := testDeps(t)
	ctx := context.Background()
	mem := mail.NewMemory()
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := clamavtest.Start(t)
	cl, err := clamav.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	d.Mailer, d.SiteURL, d.Storage, d.Scanner = mem, "https://apilos.example", st, cl
	var uploader int64
	if err := d.Pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, first_name, last_name, preferences_email)
		VALUES ('!', 'camille', 'camille@example.org', 'Camille', 'Martin', 'TOUS') RETURNING id`).Scan(&uploader); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `INSERT INTO users_user (password, username, email, is_staff, preferences_email)
		VALUES ('!', 'support', 'support@example.org', true, 'AUCUN')`); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"programmes/p1/media//a_sain.pdf":    []byte("%PDF-1.4 sain"),
		"programmes/p1/media//b_infecte.pdf": append([]byte("%PDF-1.4 "), clamavtest.EICAR()...),
	}
	var keys []string
	for k, b := range files {
		if err := st.Put(ctx, k, bytes.NewReader(b), int64(len(b)), "application/pdf"); err != nil {
			t.Fatal(err)
		}
		if err := upload.RequestScan(ctx, d.Pool, upload.ScanRequest{Key: k, UploaderID: uploader, Filename: k[strings.LastIndex(k, "_")+1:]}); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	c, err := NewClient(d.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := EnqueueScans(ctx, c, append(keys, "programmes/p1/media//b_infecte.pdf")); err != nil {
		t.Fatal(err)
	}
	startRun(t, d, WithPollInterval(50*time.Millisecond))
	statut := func(k string) string {
		var s string
		d.Pool.QueryRow(ctx, `SELECT statut FROM upload_scan WHERE storage_key = $1`, k).Scan(&s)
		return s
	}
	waitFor(t, "analyses terminées", func() bool {
		return statut("programmes/p1/media//a_sain.pdf") == "sain" && statut("programmes/p1/media//b_infecte.pdf") == "infecte" && len(mem.Sent()) >= 2
	})
	time.Sleep(300 * time.Millisecond)
	sent := mem.Sent()
	if len(sent) != 2 {
		t.Fatalf("%d e-mails, 2 attendus (déposant et staff)", len(sent))
	}
	to := sent[0].To[0] + " " + sent[1].To[0]
	if !strings.Contains(to, "camille@example.org") || !strings.Contains(to, "support@example.org") {
		t.Errorf("destinataires %s", to)
	}
	if ok, _ := st.Exists(ctx, upload.QuarantineKey("programmes/p1/media//b_infecte.pdf")); !ok {
		t.Error("fichier infecté absent de la quarantaine")
	}
	if srv.Scans() != 2 {
		t.Errorf("%d analyses, 2 attendues", srv.Scans())
	}
}
