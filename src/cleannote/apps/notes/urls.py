from django.urls import path

from cleannote.apps.notes import editor_views, views

app_name = "notes"
urlpatterns = [
    path("<int:note_id>/", views.note_detail, name="detail"),
    path("worklist/<slug:kind>/", views.worklist, name="worklist"),
    path("start/<int:case_id>/", editor_views.start_note, name="start"),
    path("rtm/<int:enrolment_id>/", editor_views.start_rtm_note, name="start_rtm"),
    path("<int:note_id>/edit/", editor_views.edit_note, name="edit"),
    path("<int:note_id>/live/", editor_views.live_scrub, name="live"),
    path("<int:note_id>/type/", editor_views.set_note_type, name="set_type"),
    path("<int:note_id>/blocks/", editor_views.add_block, name="add_block"),
    path(
        "<int:note_id>/blocks/<int:block_id>/remove/",
        editor_views.remove_block,
        name="remove_block",
    ),
    path("<int:note_id>/sign/", editor_views.sign_note, name="sign"),
    path("<int:note_id>/cosign/", editor_views.cosign_note, name="cosign"),
    path("<int:note_id>/addenda/", editor_views.add_addendum, name="addendum"),
    path("<int:note_id>/pdf/", editor_views.note_pdf, name="pdf"),
]
