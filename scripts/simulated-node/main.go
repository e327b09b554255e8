// Command simulated-node is the one stand-in in the integration tests' cluster: a node whose
// kubelet and container runtime are simulated, so that everything above them is the real thing.
//
// It registers a Node and keeps its Lease fresh; the real kube-scheduler binds pods to it. For
// each bound pod it does what a kubelet does that the rest of the cluster can observe:
//
//   - mounts volumes, and holds the pod in ContainerCreating with a FailedMount event while a
//     Secret or ConfigMap it needs does not exist (kubelet's volume manager);
//   - pulls images by the container's imagePullPolicy from a model of the node's image store,
//     where images imported with `ctr images import` exist on the node and in no registry;
//   - gives the pod an address from the node's pod range and reports its containers running
//     and ready, so that the real endpoints controllers publish it;
//   - runs chosen images for real: the upstream binary (the MetalLB controller, Argo's
//     workflow-controller) is started with the container's command, args and environment, its
//     service account token, and its volumes at their mount paths in a private mount namespace,
//     and its readiness probe decides whether the pod is ready;
//   - plays the containers of run-to-completion pods (Jobs, workflow steps) as exiting 0.
//
// What it leaves out: cgroups and resource enforcement, liveness probes, exec probes, container
// networking (every pod address is local to the private network namespace the tests run in),
// and Service virtual IPs (there is no kube-proxy; the API server routes to endpoints).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

type options struct {
	kubeconfig       string
	nodeName         string
	nodeIP           string
	podCIDR          string
	stateDir         string
	realContainers   map[string]string
	importedImages   []string
	syncPeriod       time.Duration
	volumeRefresh    time.Duration
	completionDelay  time.Duration
	cpu, memory      resource.Quantity
	maxPods          resource.Quantity
	apiServerHost    string
	apiServerPort    string
	kubernetesVersion string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == runContainerCommand {
		runContainer(os.Args[2:])
		return
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("simulated-node: ")

	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "simulated-node: %v\n", err)
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", opts.kubeconfig)
	if err != nil {
		log.Fatalf("reading %s: %v", opts.kubeconfig, err)
	}
	config.QPS, config.Burst = 50, 100
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	server, err := url.Parse(config.Host)
	if err != nil {
		log.Fatalf("API server address %q: %v", config.Host, err)
	}
	opts.apiServerHost, opts.apiServerPort, err = net.SplitHostPort(server.Host)
	if err != nil {
		log.Fatalf("API server address %q: %v", config.Host, err)
	}
	version, err := client.Discovery().ServerVersion()
	if err != nil {
		log.Fatalf("API server version: %v", err)
	}
	opts.kubernetesVersion = version.GitVersion

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	node := newNodeAgent(client, opts)
	if err := node.register(ctx); err != nil {
		log.Fatalf("registering node %s: %v", opts.nodeName, err)
	}
	go node.heartbeat(ctx)

	pods, err := newPodManager(ctx, client, config, opts)
	if err != nil {
		log.Fatalf("%v", err)
	}
	log.Printf("node %s ready (address %s, pods %s, real containers: %s)",
		opts.nodeName, opts.nodeIP, opts.podCIDR, describeRealContainers(opts.realContainers))
	pods.run(ctx)
	log.Printf("stopping: ending every container started here")
	pods.stopAll()
}

func parseOptions(args []string) (options, error) {
	flags := flag.NewFlagSet("simulated-node", flag.ContinueOnError)
	var opts options
	var real, imported repeated
	var cpu, memory, maxPods string
	flags.StringVar(&opts.kubeconfig, "kubeconfig", "", "kubeconfig of a user allowed to manage nodes, pods and service account tokens (required)")
	flags.StringVar(&opts.nodeName, "node-name", "homelab-node", "name of the Node to register")
	flags.StringVar(&opts.nodeIP, "node-ip", "192.168.1.10", "the node's InternalIP; host-network pods get it")
	flags.StringVar(&opts.podCIDR, "pod-cidr", "10.42.0.0/24", "the node's pod range; pods get addresses from it")
	flags.StringVar(&opts.stateDir, "state-dir", "", "folder for volumes and container logs (required)")
	flags.Var(&real, "real-container", "IMAGE=BINARY: run containers of this image (repository:tag) with this binary (repeatable)")
	flags.Var(&imported, "imported-image", "an image that exists on the node and in no registry (repeatable)")
	flags.DurationVar(&opts.syncPeriod, "sync-period", 2*time.Second, "how often volumes, probes and pods are revisited")
	flags.DurationVar(&opts.volumeRefresh, "volume-refresh", 2*time.Second, "how soon a change to a Secret or ConfigMap reaches the volumes of running containers (kubelet: about a minute)")
	flags.DurationVar(&opts.completionDelay, "completion-delay", time.Second, "how long simulated containers of run-to-completion pods run")
	flags.StringVar(&cpu, "cpu", "8", "the node's cpu capacity")
	flags.StringVar(&memory, "memory", "32Gi", "the node's memory capacity")
	flags.StringVar(&maxPods, "max-pods", "110", "the node's pod capacity")
	if err := flags.Parse(args); err != nil {
		return opts, err
	}
	if opts.kubeconfig == "" || opts.stateDir == "" {
		return opts, fmt.Errorf("--kubeconfig and --state-dir are required")
	}
	opts.realContainers = map[string]string{}
	for _, entry := range real {
		image, binary, ok := strings.Cut(entry, "=")
		if !ok || image == "" || binary == "" {
			return opts, fmt.Errorf("--real-container %q: want IMAGE=BINARY", entry)
		}
		if _, err := os.Stat(binary); err != nil {
			return opts, fmt.Errorf("--real-container %q: %v", entry, err)
		}
		opts.realContainers[normalizeImage(image)] = binary
	}
	opts.importedImages = imported
	var err error
	for _, q := range []struct {
		flag  string
		text  string
		value *resource.Quantity
	}{{"--cpu", cpu, &opts.cpu}, {"--memory", memory, &opts.memory}, {"--max-pods", maxPods, &opts.maxPods}} {
		if *q.value, err = resource.ParseQuantity(q.text); err != nil {
			return opts, fmt.Errorf("%s %q: %v", q.flag, q.text, err)
		}
	}
	if net.ParseIP(opts.nodeIP) == nil {
		return opts, fmt.Errorf("--node-ip %q is not an IP address", opts.nodeIP)
	}
	if _, _, err := net.ParseCIDR(opts.podCIDR); err != nil {
		return opts, fmt.Errorf("--pod-cidr %q: %v", opts.podCIDR, err)
	}
	return opts, nil
}

func describeRealContainers(real map[string]string) string {
	if len(real) == 0 {
		return "none"
	}
	images := make([]string, 0, len(real))
	for image := range real {
		images = append(images, image)
	}
	return strings.Join(images, ", ")
}
