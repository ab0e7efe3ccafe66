// Package devdb runs a private PostgreSQL cluster from the machine's own
// PostgreSQL binaries, for `apilos dev`: no setup, data kept under one
// directory. As root, the server runs as the postgres system user, since
// initdb refuses to run as root.
package devdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	Dir    string // data directory root (holds pg/, run/, pg.log, port)
	Port   int
	bindir string
	cred   *syscall.Credential
}

// URL returns the URL of database name on the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}

// BinDir finds the PostgreSQL server binaries: pg_config's bindir, else
// the newest /usr/lib/postgresql/*/bin.
func BinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("binaires PostgreSQL introuvables (initdb, pg_ctl) : installez PostgreSQL, par exemple « apt-get install postgresql »")
}

func versionOf(bindir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return v
}

// Start initialises the cluster in dir on first use, then starts it if it
// is not already running. The port is chosen once and kept in dir/port.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	bindir, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bindir: bindir}
	if os.Geteuid() == 0 {
		if c.cred, err = postgresCredential(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o755); err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if c.cred != nil {
		if err := chownTree(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, err
		}
	}
	if c.Port, err = c.loadPort(); err != nil {
		return nil, err
	}
	pgdata := filepath.Join(dir, "pg")
	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if out, err := c.run(ctx, "initdb", "-D", pgdata, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return nil, fmt.Errorf("initdb a échoué : %v\n%s", err, out)
		}
	}
	if _, err := c.run(ctx, "pg_ctl", "-D", pgdata, "status"); err != nil {
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.Port, filepath.Join(dir, "run"))
		if out, err := c.run(ctx, "pg_ctl", "-D", pgdata, "-l", filepath.Join(dir, "pg.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
			return nil, fmt.Errorf("démarrage de PostgreSQL impossible (journal : %s) : %v\n%s", filepath.Join(dir, "pg.log"), err, out)
		}
	}
	return c, nil
}

// Stop shuts the server down, letting running queries end.
func (c *Cluster) Stop() error {
	out, err := c.run(context.Background(), "pg_ctl", "-D", filepath.Join(c.Dir, "pg"), "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("arrêt de PostgreSQL : %v\n%s", err, out)
	}
	return nil
}

// EnsureDatabase creates database name when it does not exist.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bindir, name), args...)
	cmd.Dir = c.Dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
		cmd.Env = append(os.Environ(), "HOME="+c.Dir)
	}
	return cmd.CombinedOutput()
}

// loadPort reads the cluster's port, choosing a free one the first time.
func (c *Cluster) loadPort() (int, error) {
	file := filepath.Join(c.Dir, "port")
	if b, err := os.ReadFile(file); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			return p, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p, os.WriteFile(file, []byte(strconv.Itoa(p)+"\n"), 0o644)
}

func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("lancé en root, le serveur PostgreSQL doit tourner sous l'utilisateur système « postgres », introuvable : installez le paquet postgresql")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}
