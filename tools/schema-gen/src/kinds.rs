// Every top-level kind in k8s-openapi 0.29 that a manifest can carry, per Kubernetes version.
// Derived from `impl crate::Resource for` in k8s-openapi/src/v1_*/ (see README.md, "Updating the kind list").
// Left out: discovery/meta types (APIGroup, APIGroupList, APIResourceList, APIVersions, Status) and the
// subresources autoscaling/v1 Scale, policy/v1 Eviction and authentication/v1 TokenRequest.

use crate::Registry;

#[rustfmt::skip]
pub fn register(r: &mut Registry) {
    #[cfg(any(feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::admissionregistration::v1::MutatingAdmissionPolicy>();
    #[cfg(any(feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::admissionregistration::v1::MutatingAdmissionPolicyBinding>();
    r.add::<k8s_openapi::api::admissionregistration::v1::MutatingWebhookConfiguration>();
    r.add::<k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy>();
    r.add::<k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding>();
    r.add::<k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration>();
    r.add::<k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicy>();
    r.add::<k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicy>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::admissionregistration::v1beta1::ValidatingAdmissionPolicy>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::admissionregistration::v1beta1::ValidatingAdmissionPolicyBinding>();
    r.add::<k8s_openapi::api::apiserverinternal::v1alpha1::StorageVersion>();
    r.add::<k8s_openapi::api::apps::v1::ControllerRevision>();
    r.add::<k8s_openapi::api::apps::v1::DaemonSet>();
    r.add::<k8s_openapi::api::apps::v1::Deployment>();
    r.add::<k8s_openapi::api::apps::v1::ReplicaSet>();
    r.add::<k8s_openapi::api::apps::v1::StatefulSet>();
    r.add::<k8s_openapi::api::authentication::v1::SelfSubjectReview>();
    r.add::<k8s_openapi::api::authentication::v1::TokenReview>();
    r.add::<k8s_openapi::api::authorization::v1::LocalSubjectAccessReview>();
    r.add::<k8s_openapi::api::authorization::v1::SelfSubjectAccessReview>();
    r.add::<k8s_openapi::api::authorization::v1::SelfSubjectRulesReview>();
    r.add::<k8s_openapi::api::authorization::v1::SubjectAccessReview>();
    r.add::<k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler>();
    r.add::<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>();
    r.add::<k8s_openapi::api::batch::v1::CronJob>();
    r.add::<k8s_openapi::api::batch::v1::Job>();
    r.add::<k8s_openapi::api::certificates::v1::CertificateSigningRequest>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::certificates::v1::ClusterTrustBundle>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::certificates::v1::PodCertificateRequest>();
    #[cfg(any(feature = "v1_33", feature = "v1_34", feature = "v1_35", feature = "v1_36"))]
    r.add::<k8s_openapi::api::certificates::v1alpha1::ClusterTrustBundle>();
    #[cfg(feature = "v1_34")]
    r.add::<k8s_openapi::api::certificates::v1alpha1::PodCertificateRequest>();
    r.add::<k8s_openapi::api::certificates::v1beta1::ClusterTrustBundle>();
    #[cfg(any(feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::certificates::v1beta1::PodCertificateRequest>();
    r.add::<k8s_openapi::api::coordination::v1::Lease>();
    r.add::<k8s_openapi::api::coordination::v1alpha2::LeaseCandidate>();
    r.add::<k8s_openapi::api::coordination::v1beta1::LeaseCandidate>();
    r.add::<k8s_openapi::api::core::v1::Binding>();
    r.add::<k8s_openapi::api::core::v1::ComponentStatus>();
    r.add::<k8s_openapi::api::core::v1::ConfigMap>();
    r.add::<k8s_openapi::api::core::v1::Endpoints>();
    r.add::<k8s_openapi::api::core::v1::Event>();
    r.add::<k8s_openapi::api::core::v1::LimitRange>();
    r.add::<k8s_openapi::api::core::v1::Namespace>();
    r.add::<k8s_openapi::api::core::v1::Node>();
    r.add::<k8s_openapi::api::core::v1::PersistentVolume>();
    r.add::<k8s_openapi::api::core::v1::PersistentVolumeClaim>();
    r.add::<k8s_openapi::api::core::v1::Pod>();
    r.add::<k8s_openapi::api::core::v1::PodTemplate>();
    r.add::<k8s_openapi::api::core::v1::ReplicationController>();
    r.add::<k8s_openapi::api::core::v1::ResourceQuota>();
    r.add::<k8s_openapi::api::core::v1::Secret>();
    r.add::<k8s_openapi::api::core::v1::Service>();
    r.add::<k8s_openapi::api::core::v1::ServiceAccount>();
    r.add::<k8s_openapi::api::discovery::v1::EndpointSlice>();
    r.add::<k8s_openapi::api::events::v1::Event>();
    r.add::<k8s_openapi::api::flowcontrol::v1::FlowSchema>();
    r.add::<k8s_openapi::api::flowcontrol::v1::PriorityLevelConfiguration>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::lifecycle::v1alpha1::Eviction>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::lifecycle::v1alpha1::EvictionRequest>();
    r.add::<k8s_openapi::api::networking::v1::IPAddress>();
    r.add::<k8s_openapi::api::networking::v1::Ingress>();
    r.add::<k8s_openapi::api::networking::v1::IngressClass>();
    r.add::<k8s_openapi::api::networking::v1::NetworkPolicy>();
    r.add::<k8s_openapi::api::networking::v1::ServiceCIDR>();
    #[cfg(any(feature = "v1_33", feature = "v1_34", feature = "v1_35", feature = "v1_36"))]
    r.add::<k8s_openapi::api::networking::v1beta1::IPAddress>();
    #[cfg(any(feature = "v1_33", feature = "v1_34", feature = "v1_35", feature = "v1_36"))]
    r.add::<k8s_openapi::api::networking::v1beta1::ServiceCIDR>();
    r.add::<k8s_openapi::api::node::v1::RuntimeClass>();
    r.add::<k8s_openapi::api::policy::v1::PodDisruptionBudget>();
    r.add::<k8s_openapi::api::rbac::v1::ClusterRole>();
    r.add::<k8s_openapi::api::rbac::v1::ClusterRoleBinding>();
    r.add::<k8s_openapi::api::rbac::v1::Role>();
    r.add::<k8s_openapi::api::rbac::v1::RoleBinding>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1::DeviceClass>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::resource::v1::DeviceTaintRule>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1::ResourceClaim>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1::ResourceClaimTemplate>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1::ResourceSlice>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::resource::v1alpha3::DeviceClass>();
    r.add::<k8s_openapi::api::resource::v1alpha3::DeviceTaintRule>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::resource::v1alpha3::ResourceClaim>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::resource::v1alpha3::ResourceClaimTemplate>();
    #[cfg(any(feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1alpha3::ResourcePoolStatusRequest>();
    #[cfg(feature = "v1_33")]
    r.add::<k8s_openapi::api::resource::v1alpha3::ResourceSlice>();
    r.add::<k8s_openapi::api::resource::v1beta1::DeviceClass>();
    r.add::<k8s_openapi::api::resource::v1beta1::ResourceClaim>();
    r.add::<k8s_openapi::api::resource::v1beta1::ResourceClaimTemplate>();
    r.add::<k8s_openapi::api::resource::v1beta1::ResourceSlice>();
    r.add::<k8s_openapi::api::resource::v1beta2::DeviceClass>();
    #[cfg(any(feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::resource::v1beta2::DeviceTaintRule>();
    r.add::<k8s_openapi::api::resource::v1beta2::ResourceClaim>();
    r.add::<k8s_openapi::api::resource::v1beta2::ResourceClaimTemplate>();
    r.add::<k8s_openapi::api::resource::v1beta2::ResourceSlice>();
    r.add::<k8s_openapi::api::scheduling::v1::PriorityClass>();
    #[cfg(feature = "v1_35")]
    r.add::<k8s_openapi::api::scheduling::v1alpha1::Workload>();
    #[cfg(feature = "v1_36")]
    r.add::<k8s_openapi::api::scheduling::v1alpha2::PodGroup>();
    #[cfg(feature = "v1_36")]
    r.add::<k8s_openapi::api::scheduling::v1alpha2::Workload>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::scheduling::v1alpha3::CompositePodGroup>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::scheduling::v1alpha3::PodGroup>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::scheduling::v1alpha3::Workload>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::scheduling::v1beta1::PodGroup>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::scheduling::v1beta1::Workload>();
    r.add::<k8s_openapi::api::storage::v1::CSIDriver>();
    r.add::<k8s_openapi::api::storage::v1::CSINode>();
    r.add::<k8s_openapi::api::storage::v1::CSIStorageCapacity>();
    r.add::<k8s_openapi::api::storage::v1::StorageClass>();
    r.add::<k8s_openapi::api::storage::v1::VolumeAttachment>();
    #[cfg(any(feature = "v1_34", feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::storage::v1::VolumeAttributesClass>();
    #[cfg(any(feature = "v1_33", feature = "v1_34"))]
    r.add::<k8s_openapi::api::storage::v1alpha1::VolumeAttributesClass>();
    #[cfg(any(feature = "v1_33", feature = "v1_34", feature = "v1_35", feature = "v1_36"))]
    r.add::<k8s_openapi::api::storage::v1beta1::VolumeAttributesClass>();
    #[cfg(feature = "v1_37")]
    r.add::<k8s_openapi::api::storagemigration::v1::StorageVersionMigration>();
    #[cfg(any(feature = "v1_33", feature = "v1_34"))]
    r.add::<k8s_openapi::api::storagemigration::v1alpha1::StorageVersionMigration>();
    #[cfg(any(feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    r.add::<k8s_openapi::api::storagemigration::v1beta1::StorageVersionMigration>();
    r.add::<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>();
    r.add::<k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService>();
}
