package main

// Containers run for real: the upstream binary, started in a private mount namespace where its
// volumes sit at the container's mount paths. /tmp and /run are fresh tmpfs mounts there, so a
// path such as MetalLB's /tmp/k8s-webhook-server/serving-certs or the service account folder
// /var/run/secrets/kubernetes.io/serviceaccount is the pod's own and the host's stays untouched.
// Mount paths elsewhere cannot be made without changing the host, and are refused.

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const runContainerCommand = "run-container"

// process is one start of a real container.
type process struct {
	cmd      *exec.Cmd
	done     chan struct{}
	exitCode int32
	started  time.Time
	finished time.Time
}

type mount struct {
	source, target string
	readOnly       bool
}

// startProcess runs argv as a container: this binary re-executes itself as `run-container` in a
// new mount namespace, which sets up the mounts and then becomes argv[0].
func startProcess(argv []string, env []envVar, mounts []mount, logPath string, onExit func()) (*process, error) {
	for _, m := range mounts {
		if _, err := containerMountTarget(m.target); err != nil {
			return nil, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{runContainerCommand}
	for _, m := range mounts {
		spec := m.source + "=" + m.target
		if m.readOnly {
			spec += ":ro"
		}
		args = append(args, "--mount", spec)
	}
	args = append(args, "--")
	args = append(args, argv...)

	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Env = make([]string, 0, len(env)+1)
	cmd.Env = append(cmd.Env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	for _, variable := range env {
		cmd.Env = append(cmd.Env, variable.name+"="+variable.value)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Go makes the new namespace's mounts private before anything else runs in it.
		Unshareflags: syscall.CLONE_NEWNS,
		Setpgid:      true,
		// If this node dies, its containers die with it.
		Pdeathsig: syscall.SIGKILL,
	}
	fmt.Fprintf(logFile, "---- %s simulated-node: starting %s\n", time.Now().Format(time.RFC3339), strings.Join(argv, " "))
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{}), started: time.Now()}
	go func() {
		err := cmd.Wait()
		p.finished = time.Now()
		p.exitCode = 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			p.exitCode = int32(exit.ExitCode())
			if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
				p.exitCode = 128 + int32(status.Signal())
			}
		} else if err != nil {
			p.exitCode = 128
		}
		fmt.Fprintf(logFile, "---- %s simulated-node: exited with %d\n", time.Now().Format(time.RFC3339), p.exitCode)
		logFile.Close()
		close(p.done)
		onExit()
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process (by its pid), and SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// containerMountTarget is where a mount path lands inside the container's namespace, or an error
// when it lies outside the private /tmp and /run.
func containerMountTarget(path string) (string, error) {
	clean := filepath.Clean(path)
	if clean == "/var/run" || strings.HasPrefix(clean, "/var/run/") {
		clean = "/run" + strings.TrimPrefix(clean, "/var/run")
	}
	for _, root := range []string{"/tmp", "/run"} {
		if strings.HasPrefix(clean, root+"/") {
			return clean, nil
		}
	}
	return "", fmt.Errorf("mount path %s is outside /tmp and /run: a real container's volumes can only be mounted there without changing the host", path)
}

// runContainer is the `run-container` subcommand: it runs as the first process of a new mount
// namespace, mounts, and replaces itself with the container's binary.
func runContainer(args []string) {
	log.SetPrefix("simulated-node run-container: ")
	flags := flag.NewFlagSet(runContainerCommand, flag.ExitOnError)
	var mountSpecs repeated
	flags.Var(&mountSpecs, "mount", "SOURCE=TARGET[:ro]")
	_ = flags.Parse(args)
	argv := flags.Args()
	if len(argv) == 0 {
		log.Fatal("no command")
	}

	// The sources and the binary may live under /tmp, which the tmpfs below hides: hold them open
	// and reach them through /proc/self/fd afterwards.
	open := func(path string) string {
		fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			log.Fatalf("opening %s: %v", path, err)
		}
		return fmt.Sprintf("/proc/self/fd/%d", fd)
	}
	var mounts []mount
	for _, spec := range mountSpecs {
		source, target, ok := strings.Cut(spec, "=")
		if !ok {
			log.Fatalf("--mount %q: want SOURCE=TARGET[:ro]", spec)
		}
		readOnly := strings.HasSuffix(target, ":ro")
		target = strings.TrimSuffix(target, ":ro")
		resolved, err := containerMountTarget(target)
		if err != nil {
			log.Fatal(err)
		}
		mounts = append(mounts, mount{source: open(source), target: resolved, readOnly: readOnly})
	}
	binary, err := syscall.Open(argv[0], syscall.O_RDONLY, 0)
	if err != nil {
		log.Fatalf("opening %s: %v", argv[0], err)
	}

	for _, root := range []string{"/tmp", "/run"} {
		if err := syscall.Mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=1777"); err != nil {
			log.Fatalf("mounting a private %s: %v", root, err)
		}
	}
	for _, m := range mounts {
		info, err := os.Stat(m.source)
		if err != nil {
			log.Fatalf("volume %s: %v", m.source, err)
		}
		if info.IsDir() {
			err = os.MkdirAll(m.target, 0o755)
		} else {
			if err = os.MkdirAll(filepath.Dir(m.target), 0o755); err == nil {
				err = os.WriteFile(m.target, nil, 0o644)
			}
		}
		if err != nil {
			log.Fatalf("creating mount point %s: %v", m.target, err)
		}
		if err := syscall.Mount(m.source, m.target, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
			log.Fatalf("mounting %s: %v", m.target, err)
		}
		if m.readOnly {
			if err := syscall.Mount("", m.target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				log.Fatalf("making %s read-only: %v", m.target, err)
			}
		}
	}
	if err := syscall.Chdir("/"); err != nil {
		log.Fatal(err)
	}
	argv[0] = filepath.Base(argv[0])
	err = syscall.Exec(fmt.Sprintf("/proc/self/fd/%d", binary), argv, os.Environ())
	log.Fatalf("exec %s: %v", argv[0], err)
}
