# Ferrodon's migrations as a Nomad batch job: run it before every deploy of
# deploy/nomad/ferrodon.nomad.hcl (same image, same variable).
#
#   nomad job run -var image=registry.example.com/ferrodon:1.0 deploy/nomad/ferrodon-migrate.nomad.hcl
#   nomad job status ferrodon-migrate      # "complete" before the next step

variable "image" {
  type = string
}

variable "datacenters" {
  type    = list(string)
  default = ["*"]
}

job "ferrodon-migrate" {
  type        = "batch"
  datacenters = var.datacenters

  group "migrate" {
    count = 1

    restart {
      attempts = 2
      delay    = "15s"
      mode     = "fail"
    }

    task "migrate" {
      driver = "docker"

      config {
        image   = var.image
        command = "ferrodonctl"
        args    = ["db", "migrate"]
      }

      template {
        destination = "secrets/ferrodon.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        {{- with nomadVar "nomad/jobs/ferrodon" }}{{ range .Tuples }}
        {{ .K }}={{ .V | toJSON }}
        {{- end }}{{ end }}
        EOT
      }

      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
