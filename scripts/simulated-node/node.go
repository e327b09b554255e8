package main

// The Node object and its heartbeats, as the kubelet keeps them: a Lease in kube-node-lease
// renewed every 10 s, and a Ready condition in the Node's status. kube-controller-manager's node
// lifecycle controller taints a node whose Lease goes stale, and the scheduler then avoids it.

import (
	"context"
	"log"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

const (
	nodeLeaseNamespace = "kube-node-lease"
	leaseDuration      = 40 * time.Second
	heartbeatPeriod    = 10 * time.Second
)

type nodeAgent struct {
	client kubernetes.Interface
	opts   options
}

func newNodeAgent(client kubernetes.Interface, opts options) *nodeAgent {
	return &nodeAgent{client: client, opts: opts}
}

func (n *nodeAgent) register(ctx context.Context) error {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.opts.nodeName,
			Labels: map[string]string{
				"kubernetes.io/hostname":                n.opts.nodeName,
				"kubernetes.io/os":                      "linux",
				"kubernetes.io/arch":                    "amd64",
				"node-role.kubernetes.io/control-plane": "true",
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: n.opts.podCIDR, PodCIDRs: []string{n.opts.podCIDR}},
	}
	if _, err := n.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil &&
		!apierrors.IsAlreadyExists(err) {
		return err
	}
	// kube-controller-manager may change the new Node (taints, pod CIDR) before its first status
	// lands: read it again and retry on a conflict, as kubelet does.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		latest, err := n.client.CoreV1().Nodes().Get(ctx, n.opts.nodeName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		return n.updateStatus(ctx, latest)
	})
	if err != nil {
		return err
	}
	return n.renewLease(ctx)
}

func (n *nodeAgent) heartbeat(ctx context.Context) {
	ticker := time.NewTicker(heartbeatPeriod)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if err := n.renewLease(ctx); err != nil && ctx.Err() == nil {
			log.Printf("renewing the node lease: %v", err)
		}
		node, err := n.client.CoreV1().Nodes().Get(ctx, n.opts.nodeName, metav1.GetOptions{})
		if err == nil {
			err = n.updateStatus(ctx, node)
		}
		if err != nil && ctx.Err() == nil {
			log.Printf("updating node status: %v", err)
		}
	}
}

func (n *nodeAgent) updateStatus(ctx context.Context, node *corev1.Node) error {
	now := metav1.Now()
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              n.opts.cpu,
		corev1.ResourceMemory:           n.opts.memory,
		corev1.ResourcePods:             n.opts.maxPods,
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	condition := func(kind corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string) corev1.NodeCondition {
		transition := now
		for _, existing := range node.Status.Conditions {
			if existing.Type == kind && existing.Status == status {
				transition = existing.LastTransitionTime
			}
		}
		return corev1.NodeCondition{
			Type: kind, Status: status, Reason: reason, Message: message,
			LastHeartbeatTime: now, LastTransitionTime: transition,
		}
	}
	node.Status = corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Phase:       corev1.NodeRunning,
		Conditions: []corev1.NodeCondition{
			condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "simulated node has sufficient memory available"),
			condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "simulated node has no disk pressure"),
			condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "simulated node has sufficient PID available"),
			condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "simulated kubelet is posting ready status"),
		},
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: n.opts.nodeIP},
			{Type: corev1.NodeHostName, Address: n.opts.nodeName},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID:               "simulated",
			SystemUUID:              "simulated",
			BootID:                  "simulated",
			KernelVersion:           "simulated",
			OSImage:                 "simulated node (homelab-platform integration tests)",
			ContainerRuntimeVersion: "simulated://1.0",
			KubeletVersion:          n.opts.kubernetesVersion,
			KubeProxyVersion:        n.opts.kubernetesVersion,
			OperatingSystem:         "linux",
			Architecture:            "amd64",
		},
		Images: nodeImages(n.opts.importedImages),
	}
	_, err := n.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
	return err
}

func (n *nodeAgent) renewLease(ctx context.Context) error {
	leases := n.client.CoordinationV1().Leases(nodeLeaseNamespace)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, n.opts.nodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = leases.Create(ctx, &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: n.opts.nodeName, Namespace: nodeLeaseNamespace},
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity:       ptr.To(n.opts.nodeName),
				LeaseDurationSeconds: ptr.To(int32(leaseDuration / time.Second)),
				RenewTime:            &now,
			},
		}, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}
