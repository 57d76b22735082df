from django.urls import path

from cleannote.apps.claims import charge_views, fee_views, rejection_views, views

app_name = "claims"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("unbilled/", charge_views.unbilled, name="unbilled"),
    path("unbilled/create/", charge_views.create_claims, name="create_claims"),
    path("refused/", charge_views.refused, name="refused"),
    path("fees/", fee_views.rates, name="fees"),
    path("fees/import/", fee_views.import_fees, name="fee_import"),
    path("fees/template.csv", fee_views.fee_template, name="fee_template"),
    path("rejections/", rejection_views.rejections, name="rejections"),
    path("<int:claim_id>/resubmit/", rejection_views.resubmit, name="resubmit"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/cms1500.pdf", views.cms1500, name="cms1500"),
    path("<int:claim_id>/ready/", views.mark_ready, name="ready"),
    path("<int:claim_id>/corrected/", views.corrected, name="corrected"),
    path("<int:claim_id>/void/", views.void, name="void"),
    path("<int:claim_id>/secondary/", views.secondary, name="secondary"),
    path("<int:claim_id>/split/", views.split, name="split"),
    path("<int:claim_id>/batch/", views.build_batch, name="batch"),
    path("from-note/<int:note_id>/", views.create_from_note, name="from_note"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/build/", views.build_batches, name="build_batches"),
    path("batches/<int:batch_id>/file/", views.batch_file, name="batch_file"),
]
