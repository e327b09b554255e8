package main

// The pod lifecycle on this node, as kubelet reports it (pkg/kubelet/kubelet.go SyncPod,
// pkg/kubelet/status/generate.go): volumes, then images, then an address and the containers;
// status with phase, container states and the PodReadyToStartContainers, Initialized,
// ContainersReady and Ready conditions; graceful stop and final deletion of terminating pods.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
)

// runSecondsAnnotation sets how long the simulated containers of a run-to-completion pod run
// before exiting 0 (default: --completion-delay). Tests that need a workflow pod to stay up set
// it through the workflow's podMetadata.
const runSecondsAnnotation = "simulated-node.homelab-platform.test/run-seconds"

// maxTerminationGrace bounds how long a stopping container is waited for before SIGKILL.
const maxTerminationGrace = 5 * time.Second

type containerKind int

const (
	simulated containerKind = iota
	realBinary
	simulatedProgram
)

type containerRuntime struct {
	spec    corev1.Container
	kind    containerKind
	binary  string
	program program

	proc         *process
	programDone  chan int32
	cancel       context.CancelFunc
	prober       *prober
	started      time.Time
	restartCount int32
	restartAt    time.Time
	state        corev1.ContainerState
	lastState    corev1.ContainerState
	ready        bool
	finished     bool
	exitCode     int32
}

type podRuntime struct {
	uid        types.UID
	key        string
	dir        string
	ip         string
	started    bool
	startTime  time.Time
	waiting    string // why the pod has not started: ContainerCreating, or an image error
	message    string
	imageError map[string]*pullError
	events     map[string]time.Time
	inits      []corev1.ContainerStatus
	containers []*containerRuntime
	needsFiles bool
	volumesAt  time.Time
}

type podManager struct {
	client    kubernetes.Interface
	config    *rest.Config
	opts      options
	informer  cache.SharedIndexInformer
	lister    corelisters.PodLister
	queue     workqueue.TypedRateLimitingInterface[string]
	recorder  record.EventRecorder
	images    *imageStore
	volumes   *volumeSource
	addresses *addressPool

	mu       sync.Mutex
	runtimes map[string]*podRuntime
}

func newPodManager(ctx context.Context, client kubernetes.Interface, config *rest.Config, opts options) (*podManager, error) {
	addresses, err := newAddressPool(opts.podCIDR)
	if err != nil {
		return nil, err
	}
	for _, dir := range []string{"pods", "logs"} {
		if err := os.MkdirAll(filepath.Join(opts.stateDir, dir), 0o755); err != nil {
			return nil, err
		}
	}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0,
		informers.WithTweakListOptions(func(options *metav1.ListOptions) {
			options.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", opts.nodeName).String()
		}))
	podInformer := factory.Core().V1().Pods()
	broadcaster := record.NewBroadcaster(record.WithContext(ctx))
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	m := &podManager{
		client:    client,
		config:    config,
		opts:      opts,
		informer:  podInformer.Informer(),
		lister:    podInformer.Lister(),
		queue:     workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		recorder:  broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: opts.nodeName}),
		images:    newImageStore(opts.importedImages),
		volumes:   &volumeSource{client: client, tokens: newTokenCache(client)},
		addresses: addresses,
		runtimes:  map[string]*podRuntime{},
	}
	enqueue := func(object any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(object); err == nil {
			m.queue.Add(key)
		}
	}
	_, err = m.informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, object any) { enqueue(object) },
		DeleteFunc: enqueue,
	})
	if err != nil {
		return nil, err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), m.informer.HasSynced) {
		return nil, errors.New("pod informer did not sync")
	}
	return m, nil
}

// run processes pods one at a time until ctx ends; a ticker revisits every pod so that volume
// contents, probes and timed transitions move on.
func (m *podManager) run(ctx context.Context) {
	go func() {
		<-ctx.Done()
		m.queue.ShutDown()
	}()
	go func() {
		ticker := time.NewTicker(m.opts.syncPeriod)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				m.mu.Lock()
				for key := range m.runtimes {
					m.queue.Add(key)
				}
				m.mu.Unlock()
			}
		}
	}()
	for {
		key, shutdown := m.queue.Get()
		if shutdown {
			return
		}
		err := m.sync(ctx, key)
		if err != nil && ctx.Err() == nil {
			if !apierrors.IsConflict(err) {
				log.Printf("pod %s: %v", key, err)
			}
			m.queue.AddRateLimited(key)
		} else {
			m.queue.Forget(key)
		}
		m.queue.Done(key)
	}
}

func (m *podManager) sync(ctx context.Context, key string) error {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := m.lister.Pods(namespace).Get(name)
	m.mu.Lock()
	runtime := m.runtimes[key]
	m.mu.Unlock()
	if apierrors.IsNotFound(err) {
		if runtime != nil {
			m.teardown(runtime, maxTerminationGrace)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if runtime != nil && runtime.uid != pod.UID {
		m.teardown(runtime, maxTerminationGrace)
		runtime = nil
	}
	if pod.DeletionTimestamp != nil {
		if runtime != nil {
			grace := maxTerminationGrace
			if pod.DeletionGracePeriodSeconds != nil {
				grace = min(grace, time.Duration(*pod.DeletionGracePeriodSeconds)*time.Second)
			}
			m.teardown(runtime, grace)
		}
		// What kubelet does once the containers are gone: the final delete.
		err := m.client.CoreV1().Pods(namespace).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: new(int64),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if runtime == nil {
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			return nil
		}
		runtime = m.newRuntime(pod)
		m.mu.Lock()
		m.runtimes[key] = runtime
		m.mu.Unlock()
	}

	m.advance(ctx, runtime, pod)

	status := m.status(runtime, pod)
	if equality.Semantic.DeepEqual(status, &pod.Status) {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = *status
	_, err = m.client.CoreV1().Pods(namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (m *podManager) newRuntime(pod *corev1.Pod) *podRuntime {
	key := pod.Namespace + "/" + pod.Name
	runtime := &podRuntime{
		uid:    pod.UID,
		key:    key,
		dir:    filepath.Join(m.opts.stateDir, "pods", string(pod.UID)),
		events: map[string]time.Time{},
	}
	for _, container := range pod.Spec.Containers {
		c := &containerRuntime{spec: container}
		if binary, ok := m.opts.realContainers[normalizeImage(imageWithoutDigest(container.Image))]; ok {
			c.kind, c.binary = realBinary, binary
			runtime.needsFiles = true
		} else if p, ok := programFor(container.Image); ok {
			c.kind, c.program = simulatedProgram, p
		}
		runtime.containers = append(runtime.containers, c)
	}
	return runtime
}

// advance moves a pod's runtime as far as it can go now.
func (m *podManager) advance(ctx context.Context, runtime *podRuntime, pod *corev1.Pod) {
	if !runtime.started {
		if !m.start(ctx, runtime, pod) {
			m.queue.AddAfter(runtime.key, m.opts.syncPeriod)
			return
		}
	}
	for _, container := range runtime.containers {
		m.progress(ctx, runtime, pod, container)
	}
	if runtime.needsFiles && time.Since(runtime.volumesAt) >= m.opts.volumeRefresh {
		if err := m.writeVolumes(ctx, runtime, pod); err != nil {
			log.Printf("pod %s: refreshing volumes: %v", runtime.key, err)
		}
	}
}

// start mounts volumes and pulls images; once both succeed it gives the pod an address and
// starts its containers. It reports whether the pod started.
func (m *podManager) start(ctx context.Context, runtime *podRuntime, pod *corev1.Pod) bool {
	if runtime.ip == "" {
		if pod.Spec.HostNetwork {
			runtime.ip = m.opts.nodeIP
		} else {
			ip, err := m.addresses.allocate(pod.UID)
			if err != nil {
				m.event(runtime, pod, corev1.EventTypeWarning, "FailedCreatePodSandBox", err.Error())
				return false
			}
			runtime.ip = ip
		}
	}
	if _, err := m.volumes.contents(ctx, pod, runtime.ip); err != nil {
		var failed *mountError
		if errors.As(err, &failed) {
			runtime.waiting, runtime.message = "ContainerCreating", ""
			m.event(runtime, pod, corev1.EventTypeWarning, "FailedMount", failed.message)
			return false
		}
		log.Printf("pod %s: reading volumes: %v", runtime.key, err)
		return false
	}
	runtime.imageError = map[string]*pullError{}
	for _, container := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...) {
		if failure := m.images.ensure(container); failure != nil {
			runtime.imageError[container.Name] = failure
			m.event(runtime, pod, corev1.EventTypeWarning, "Failed", failure.message)
		}
	}
	if len(runtime.imageError) > 0 {
		return false
	}
	if runtime.needsFiles {
		if err := m.writeVolumes(ctx, runtime, pod); err != nil {
			log.Printf("pod %s: writing volumes: %v", runtime.key, err)
			return false
		}
	}

	now := time.Now()
	runtime.started, runtime.startTime = true, now
	// Init containers are simulated: each runs and exits 0 before the app containers start.
	for _, container := range pod.Spec.InitContainers {
		runtime.inits = append(runtime.inits, corev1.ContainerStatus{
			Name:        container.Name,
			Image:       container.Image,
			ImageID:     simulatedImageID(container.Image),
			ContainerID: simulatedContainerID(pod.UID, container.Name, 0),
			Ready:       true,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: stamp(now), FinishedAt: stamp(now),
				ContainerID: simulatedContainerID(pod.UID, container.Name, 0),
			}},
		})
	}
	for _, container := range runtime.containers {
		m.startContainer(ctx, runtime, pod, container)
	}
	return true
}

func (m *podManager) startContainer(ctx context.Context, runtime *podRuntime, pod *corev1.Pod, c *containerRuntime) {
	now := time.Now()
	c.started = now
	c.ready = false
	waiting := func(reason, message string) {
		c.state = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}
		c.restartAt = now.Add(crashBackoff(c.restartCount))
		m.event(runtime, pod, corev1.EventTypeWarning, "Failed", message)
	}
	logPath := filepath.Join(m.opts.stateDir, "logs", fmt.Sprintf("%s_%s_%s.log", pod.Namespace, pod.Name, c.spec.Name))
	switch c.kind {
	case realBinary:
		env, err := containerEnvironment(ctx, m.client, pod, c.spec, runtime.ip, m.opts.apiServerHost, m.opts.apiServerPort)
		if err != nil {
			waiting("CreateContainerConfigError", err.Error())
			return
		}
		var mounts []mount
		for _, volumeMount := range c.spec.VolumeMounts {
			mounts = append(mounts, mount{
				source:   filepath.Join(runtime.dir, "volumes", volumeMount.Name, volumeMount.SubPath),
				target:   volumeMount.MountPath,
				readOnly: volumeMount.ReadOnly,
			})
		}
		key := runtime.key
		proc, err := startProcess(containerArgv(c.binary, c.spec, env), env, mounts, logPath, func() { m.queue.Add(key) })
		if err != nil {
			waiting("RunContainerError", err.Error())
			return
		}
		c.proc = proc
		if probe := c.spec.ReadinessProbe; probe != nil {
			c.prober = startProber(probe, c.spec, runtime.ip, m.opts.syncPeriod, func() { m.queue.Add(key) })
		}
	case simulatedProgram:
		env, err := containerEnvironment(ctx, m.client, pod, c.spec, runtime.ip, m.opts.apiServerHost, m.opts.apiServerPort)
		if err != nil {
			waiting("CreateContainerConfigError", err.Error())
			return
		}
		client, err := m.podClient(ctx, pod)
		if err != nil {
			waiting("CreateContainerConfigError", err.Error())
			return
		}
		programCtx, cancel := context.WithCancel(context.Background())
		c.cancel = cancel
		c.programDone = make(chan int32, 1)
		// As for a real container, minus the entrypoint's own name.
		key, run, args := runtime.key, c.program, containerArgv("", c.spec, env)[1:]
		go func() {
			out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				out = nil
			}
			var writer io.Writer = io.Discard
			if out != nil {
				writer = out
				defer out.Close()
			}
			c.programDone <- run(programCtx, client, args, writer)
			m.queue.Add(key)
		}()
	}
	c.state = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: stamp(now)}}
	c.ready = c.prober == nil
	m.event(runtime, pod, corev1.EventTypeNormal, "Started", fmt.Sprintf("Started container %s", c.spec.Name))
}

// progress notes exits, restarts crashed containers after their back-off, ends simulated
// containers of run-to-completion pods, and takes readiness from the probe.
func (m *podManager) progress(ctx context.Context, runtime *podRuntime, pod *corev1.Pod, c *containerRuntime) {
	if c.finished {
		return
	}
	now := time.Now()
	if c.state.Waiting != nil {
		if now.After(c.restartAt) {
			m.startContainer(ctx, runtime, pod, c)
		} else {
			m.queue.AddAfter(runtime.key, time.Until(c.restartAt))
		}
		return
	}
	exited, exitCode := false, int32(0)
	switch c.kind {
	case realBinary:
		if c.proc != nil && c.proc.exited() {
			exited, exitCode = true, c.proc.exitCode
		}
	case simulatedProgram:
		select {
		case exitCode = <-c.programDone:
			exited = true
		default:
		}
	case simulated:
		if pod.Spec.RestartPolicy != corev1.RestartPolicyAlways {
			end := c.started.Add(runDuration(pod, m.opts.completionDelay))
			if now.After(end) {
				exited = true
			} else {
				m.queue.AddAfter(runtime.key, time.Until(end))
			}
		}
	}
	if !exited {
		if c.prober != nil {
			c.ready = c.prober.ready.Load()
		}
		return
	}
	if c.prober != nil {
		c.prober.halt()
		c.prober = nil
	}
	reason := "Completed"
	if exitCode != 0 {
		reason = "Error"
	}
	terminated := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: exitCode, Reason: reason, StartedAt: stamp(c.started), FinishedAt: stamp(now),
		ContainerID: simulatedContainerID(pod.UID, c.spec.Name, c.restartCount),
	}}
	c.ready, c.exitCode = false, exitCode
	restart := pod.Spec.RestartPolicy == corev1.RestartPolicyAlways ||
		(pod.Spec.RestartPolicy == corev1.RestartPolicyOnFailure && exitCode != 0)
	if !restart {
		c.state, c.finished = terminated, true
		return
	}
	c.lastState = terminated
	c.restartCount++
	c.restartAt = now.Add(crashBackoff(c.restartCount))
	c.state = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
		Reason:  "CrashLoopBackOff",
		Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", crashBackoff(c.restartCount), c.spec.Name, pod.Name, pod.Namespace, pod.UID),
	}}
	m.event(runtime, pod, corev1.EventTypeWarning, "BackOff", "Back-off restarting failed container "+c.spec.Name)
	m.queue.AddAfter(runtime.key, time.Until(c.restartAt))
}

// crashBackoff is kubelet's 10 s doubling back-off, compressed tenfold.
func crashBackoff(restarts int32) time.Duration {
	backoff := time.Second
	for i := int32(1); i < restarts && backoff < 30*time.Second; i++ {
		backoff *= 2
	}
	return min(backoff, 30*time.Second)
}

func runDuration(pod *corev1.Pod, fallback time.Duration) time.Duration {
	if text, ok := pod.Annotations[runSecondsAnnotation]; ok {
		if seconds, err := strconv.ParseFloat(text, 64); err == nil && seconds >= 0 {
			return time.Duration(seconds * float64(time.Second))
		}
	}
	return fallback
}

func (m *podManager) writeVolumes(ctx context.Context, runtime *podRuntime, pod *corev1.Pod) error {
	contents, err := m.volumes.contents(ctx, pod, runtime.ip)
	if err != nil {
		return err
	}
	for name, files := range contents {
		if _, err := writeVolume(filepath.Join(runtime.dir, "volumes", name), files); err != nil {
			return err
		}
	}
	runtime.volumesAt = time.Now()
	return nil
}

// podClient is an API client holding the pod's service account token.
func (m *podManager) podClient(ctx context.Context, pod *corev1.Pod) (kubernetes.Interface, error) {
	token, err := m.volumes.tokens.token(ctx, pod, &corev1.ServiceAccountTokenProjection{Path: "token"})
	if err != nil {
		return nil, err
	}
	config := rest.AnonymousClientConfig(m.config)
	config.BearerToken = token
	return kubernetes.NewForConfig(config)
}

func (m *podManager) status(runtime *podRuntime, pod *corev1.Pod) *corev1.PodStatus {
	status := pod.Status.DeepCopy()
	status.HostIP = m.opts.nodeIP
	status.HostIPs = []corev1.HostIP{{IP: m.opts.nodeIP}}
	if runtime.ip != "" {
		status.PodIP = runtime.ip
		status.PodIPs = []corev1.PodIP{{IP: runtime.ip}}
	}
	var initStatuses, statuses []corev1.ContainerStatus
	allReady, allFinished, anyFailed := true, true, false
	if !runtime.started {
		status.Phase = corev1.PodPending
		for _, container := range pod.Spec.InitContainers {
			initStatuses = append(initStatuses, waitingStatus(container, runtime, "PodInitializing"))
		}
		reason := "ContainerCreating"
		if len(pod.Spec.InitContainers) > 0 {
			reason = "PodInitializing"
		}
		for _, container := range pod.Spec.Containers {
			statuses = append(statuses, waitingStatus(container, runtime, reason))
		}
		allReady, allFinished = false, false
	} else {
		status.StartTime = ptrTime(stamp(runtime.startTime))
		initStatuses = runtime.inits
		for _, c := range runtime.containers {
			started := c.state.Running != nil
			statuses = append(statuses, corev1.ContainerStatus{
				Name:                 c.spec.Name,
				Image:                c.spec.Image,
				ImageID:              simulatedImageID(c.spec.Image),
				ContainerID:          simulatedContainerID(pod.UID, c.spec.Name, c.restartCount),
				Ready:                c.ready && started,
				Started:              &started,
				RestartCount:         c.restartCount,
				State:                c.state,
				LastTerminationState: c.lastState,
			})
			allReady = allReady && c.ready && started
			allFinished = allFinished && c.finished
			anyFailed = anyFailed || (c.finished && c.exitCode != 0)
		}
		switch {
		case allFinished && anyFailed:
			status.Phase = corev1.PodFailed
		case allFinished:
			status.Phase = corev1.PodSucceeded
		default:
			status.Phase = corev1.PodRunning
		}
	}
	status.InitContainerStatuses = initStatuses
	status.ContainerStatuses = statuses

	notReadyReason := "ContainersNotReady"
	if allFinished {
		notReadyReason = "PodCompleted"
	}
	setCondition(status, corev1.PodReadyToStartContainers, runtime.started, "", "")
	setCondition(status, corev1.PodInitialized, runtime.started, "", "")
	setCondition(status, corev1.ContainersReady, allReady, notReadyReason, "")
	setCondition(status, corev1.PodReady, allReady, notReadyReason, "")
	return status
}

func waitingStatus(container corev1.Container, runtime *podRuntime, reason string) corev1.ContainerStatus {
	waiting := &corev1.ContainerStateWaiting{Reason: reason}
	if failure, ok := runtime.imageError[container.Name]; ok {
		waiting = &corev1.ContainerStateWaiting{Reason: failure.reason, Message: failure.message}
	}
	started := false
	return corev1.ContainerStatus{
		Name: container.Name, Image: container.Image, Started: &started,
		State: corev1.ContainerState{Waiting: waiting},
	}
}

// setCondition sets a pod condition, keeping its transition time while its status holds.
func setCondition(status *corev1.PodStatus, kind corev1.PodConditionType, value bool, reason, message string) {
	conditionStatus := corev1.ConditionFalse
	if value {
		conditionStatus = corev1.ConditionTrue
		reason = ""
	}
	for i := range status.Conditions {
		existing := &status.Conditions[i]
		if existing.Type != kind {
			continue
		}
		if existing.Status != conditionStatus {
			existing.LastTransitionTime = stamp(time.Now())
		}
		existing.Status, existing.Reason, existing.Message = conditionStatus, reason, message
		return
	}
	status.Conditions = append(status.Conditions, corev1.PodCondition{
		Type: kind, Status: conditionStatus, Reason: reason, Message: message,
		LastTransitionTime: stamp(time.Now()),
	})
}

// event records a pod event, at most once a minute for the same reason and message.
func (m *podManager) event(runtime *podRuntime, pod *corev1.Pod, eventType, reason, message string) {
	key := reason + "\x00" + message
	if last, ok := runtime.events[key]; ok && time.Since(last) < time.Minute {
		return
	}
	runtime.events[key] = time.Now()
	m.recorder.Event(pod, eventType, reason, message)
	if eventType == corev1.EventTypeWarning {
		log.Printf("pod %s: %s: %s", runtime.key, reason, message)
	}
}

// teardown stops a pod's containers and frees what it held.
func (m *podManager) teardown(runtime *podRuntime, grace time.Duration) {
	for _, c := range runtime.containers {
		if c.prober != nil {
			c.prober.halt()
			c.prober = nil
		}
		if c.proc != nil {
			c.proc.stop(grace)
		}
		if c.cancel != nil {
			c.cancel()
		}
	}
	m.addresses.release(runtime.uid)
	m.volumes.tokens.forget(runtime.uid)
	_ = os.RemoveAll(runtime.dir)
	m.mu.Lock()
	delete(m.runtimes, runtime.key)
	m.mu.Unlock()
}

// stopAll ends every container on the node, for shutdown.
func (m *podManager) stopAll() {
	m.mu.Lock()
	runtimes := make([]*podRuntime, 0, len(m.runtimes))
	for _, runtime := range m.runtimes {
		runtimes = append(runtimes, runtime)
	}
	m.mu.Unlock()
	for _, runtime := range runtimes {
		m.teardown(runtime, maxTerminationGrace)
	}
}

// stamp truncates to whole seconds, the precision the API stores, so that an unchanged status
// compares equal to the one read back.
func stamp(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second)) }

func ptrTime(t metav1.Time) *metav1.Time { return &t }

func simulatedImageID(image string) string {
	return "simulated://" + normalizeImage(imageWithoutDigest(image))
}

func simulatedContainerID(uid types.UID, name string, restart int32) string {
	return fmt.Sprintf("simulated://%s-%s-%d", uid, name, restart)
}

// addressPool hands out pod addresses from the node's pod range.
type addressPool struct {
	mu    sync.Mutex
	first net.IP
	size  int
	used  map[int]types.UID
	byPod map[types.UID]int
}

func newAddressPool(cidr string) (*addressPool, error) {
	_, network, err := net.ParseCIDR(cidr)
	if err != nil {
		return nil, err
	}
	ones, bits := network.Mask.Size()
	if bits != 32 {
		return nil, fmt.Errorf("pod range %s: only IPv4 ranges are supported", cidr)
	}
	return &addressPool{first: network.IP.To4(), size: 1 << (bits - ones), used: map[int]types.UID{}, byPod: map[types.UID]int{}}, nil
}

func (p *addressPool) allocate(uid types.UID) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	offset, ok := p.byPod[uid]
	if !ok {
		// .0 is the network, .1 the gateway, the last one the broadcast address.
		for candidate := 2; candidate < p.size-1; candidate++ {
			if _, taken := p.used[candidate]; !taken {
				offset, ok = candidate, true
				break
			}
		}
		if !ok {
			return "", fmt.Errorf("failed to allocate a pod address: the range of %d addresses is exhausted", p.size)
		}
		p.used[offset], p.byPod[uid] = uid, offset
	}
	ip := make(net.IP, 4)
	copy(ip, p.first)
	value := uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3]) + uint32(offset)
	return net.IPv4(byte(value>>24), byte(value>>16), byte(value>>8), byte(value)).String(), nil
}

func (p *addressPool) release(uid types.UID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if offset, ok := p.byPod[uid]; ok {
		delete(p.used, offset)
		delete(p.byPod, uid)
	}
}
