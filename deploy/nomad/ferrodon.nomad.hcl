# Ferrodon on Nomad: web, streaming and one group per queue worker, with the
# Docker driver. PostgreSQL and Redis are external; media in S3.
# Settings come from the Nomad variable nomad/jobs/ferrodon (every key of
# .env.production, secrets included), rendered into each task's environment.
# Guide: docs/deployment/nomad.md. Run migrations first, every upgrade:
#
#   nomad var put -in=env nomad/jobs/ferrodon @.env.production   # or key=value pairs
#   nomad job run -var image=registry.example.com/ferrodon:1.0 deploy/nomad/ferrodon-migrate.nomad.hcl
#   nomad job run -var image=registry.example.com/ferrodon:1.0 deploy/nomad/ferrodon.nomad.hcl
#
# No periodic jobs: the scheduler group does the periodic work (one
# allocation; a second would only stand by, the scheduler elects a leader
# through Redis).

variable "image" {
  type        = string
  description = "The Ferrodon image, built from deploy/Dockerfile"
}

variable "datacenters" {
  type    = list(string)
  default = ["*"]
}

job "ferrodon" {
  type        = "service"
  datacenters = var.datacenters

  update {
    max_parallel     = 1
    health_check     = "checks"
    min_healthy_time = "10s"
    healthy_deadline = "3m"
    auto_revert      = true
  }

  group "web" {
    count = 2

    network {
      port "http" {
        to = 3000
      }
    }

    service {
      name     = "ferrodon-web"
      port     = "http"
      provider = "nomad"
      tags     = ["ferrodon", "web"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "web" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-web"
        ports   = ["http"]
      }

      env {
        BIND                = "0.0.0.0"
        PORT                = "3000"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 500
        memory     = 256
        memory_max = 1024
      }
    }
  }

  group "streaming" {
    count = 2

    network {
      port "http" {
        to = 4000
      }
    }

    service {
      name     = "ferrodon-streaming"
      port     = "http"
      provider = "nomad"
      tags     = ["ferrodon", "streaming"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "streaming" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-streaming"
        ports   = ["http"]
      }

      env {
        BIND                = "0.0.0.0"
        STREAMING_PORT      = "4000"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 200
        memory     = 64
        memory_max = 256
      }
    }
  }

  group "scheduler" {
    count = 1
    # Periodic work runs once: one allocation, replaced only after it stopped.
    update {
      max_parallel = 1
      canary       = 0
    }

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-scheduler"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "scheduler" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-scheduler"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 100
        memory     = 64
        memory_max = 256
      }
    }
  }

  group "ingress" {
    count = 2

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-ingress"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "ingress" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-ingress"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 300
        memory     = 128
        memory_max = 512
      }
    }
  }

  group "push" {
    count = 2

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-push"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "push" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-push"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 300
        memory     = 128
        memory_max = 512
      }
    }
  }

  group "pull" {
    count = 1

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-pull"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "pull" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-pull"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 300
        memory     = 256
        memory_max = 1024
      }
    }
  }

  group "mailers" {
    count = 1

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-mailers"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "mailers" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-mailers"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 100
        memory     = 64
        memory_max = 256
      }
    }
  }

  group "default" {
    count = 2

    network {
      port "metrics" {
        to = 9394
      }
    }

    service {
      name     = "ferrodon-default"
      port     = "metrics"
      provider = "nomad"
      tags     = ["ferrodon", "worker", "metrics"]

      check {
        type     = "http"
        path     = "/readyz"
        interval = "15s"
        timeout  = "5s"
      }
    }

    restart {
      attempts = 5
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    task "default" {
      driver = "docker"
      # Every process stops gracefully on SIGTERM.
      kill_timeout = "45s"

      config {
        image   = var.image
        command = "ferrodon-default"
        ports   = ["metrics"]
      }

      env {
        BIND                = "0.0.0.0"
        FERRODON_METRICS_PORT = "9394"
        MALLOC_ARENA_MAX    = "2"
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
        cpu        = 500
        memory     = 256
        memory_max = 1024
      }
    }
  }
}
